"""Policy-text extraction: quantified commitments found in Chinese and English documents.

Pure Python, no I/O and no database: ``extract_text`` takes a document's text and a little
metadata and returns statements with character offsets into the *normalised* text (use
``NormalisedText.to_original`` to go back to the text as it was given).
"""

from luoshi.extract.model import DocumentMeta, Statement, Span
from luoshi.extract.normalise import NormalisedText, normalise
from luoshi.extract.pipeline import ExtractionResult, extract_text

__all__ = ["DocumentMeta", "ExtractionResult", "NormalisedText", "Span", "Statement", "extract_text",
           "normalise"]
