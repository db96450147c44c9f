"""Renderers: a document context and a template in, PDF or DOCX bytes out."""
