"""The report's files, each rendered from one ``document.Document``: PDF, XLSX annex, CSV."""
