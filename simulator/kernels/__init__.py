"""Pure numeric kernels over compiled rota arrays (Numba, with plain-Python references)."""
