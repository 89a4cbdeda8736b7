"""Neuvo: a multilingual advisory chatbot for migrants in Finland."""

__version__ = "0.1.0"
