"""Optional routing engines besides the built-in range-RAPTOR (imported only when chosen)."""
