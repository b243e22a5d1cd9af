"""Typed models passed between the five stages of a run."""
