"""Drawings of the book: one module per chapter.

Each chapter's module draws the figures that are diagrams rather than plots
of results.
"""
