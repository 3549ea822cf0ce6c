"""Inline and reply keyboards. Builders take translated labels or translate fixed ones in the
locale of the update being handled."""
