"""Drawings of the book: one module per chapter, each figure that is a diagram rather than a plot of results."""
