"""Streamlit-aware glue shared by every page: state, sidebar, cached loaders, access control.

``analysis/`` stays free of Streamlit; everything that needs ``st`` lives here or in ``pages/``.
"""
