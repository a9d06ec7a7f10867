"""Access control: planner pages require a login; public pages never do.

Two ways to log in, chosen by configuration:

* **OIDC** (Streamlit's built-in ``st.login``) when ``.streamlit/secrets.toml`` has an ``[auth]``
  section: the municipality's identity provider decides who is a planner.
* **Local password** otherwise: a scrypt hash from the environment variable
  ``SERVICEKARTAN_PLANNER_PASSWORD_HASH``, the secret ``planner_password_hash``, or the file
  ``var/planner_password_hash`` that ``python -m analysis planner-password`` writes (set-up does it
  once and prints the password).
"""

from __future__ import annotations

import os
import time

import streamlit as st

from analysis import io
from analysis.i18n import t
from analysis.security import verify_password
from ui import state

_SESSION_KEY = "planner_authenticated"


def _secret(name: str) -> object | None:
    try:
        return st.secrets.get(name)
    except (FileNotFoundError, st.errors.StreamlitSecretNotFoundError):
        return None


def uses_oidc() -> bool:
    """Return whether an OIDC identity provider is configured."""
    return _secret("auth") is not None


def _password_hash() -> str | None:
    from_env = os.environ.get("SERVICEKARTAN_PLANNER_PASSWORD_HASH")
    from_secret = _secret("planner_password_hash")
    return (
        from_env or (str(from_secret) if from_secret else None) or io.read_planner_password_hash()
    )


def is_planner() -> bool:
    """Return whether the current session belongs to a logged-in planner."""
    if uses_oidc():
        return bool(st.user.is_logged_in)
    return bool(st.session_state.get(_SESSION_KEY, False))


def require_planner() -> None:
    """Unless a planner is logged in, show the login in the page's place and stop.

    A planner page's address opened without a login (a bookmark, a link in an e-mail) thus asks
    for the login right there, in Swedish, and opens the page once it succeeds.
    """
    if not is_planner():
        lang = state.lang()
        st.title(t("auth.title", lang))
        st.error(t("auth.refused", lang))
        login_form()
        st.stop()


def login_form() -> None:
    """Render the login: an OIDC button, or the local password form."""
    lang = state.lang()
    if uses_oidc():
        st.button(t("auth.login_oidc", lang), on_click=st.login, type="primary")
        return
    stored = _password_hash()
    if not stored:
        st.warning(t("auth.no_password_configured", lang))
        return
    with st.form("login"):
        password = st.text_input(t("auth.password", lang), type="password")
        submitted = st.form_submit_button(t("auth.login", lang), type="primary")
    if submitted:
        if verify_password(password, stored):
            st.session_state[_SESSION_KEY] = True
            st.rerun()
        time.sleep(1.0)  # slows guessing; a real IdP should be used for anything exposed
        st.error(t("auth.wrong_password", lang))


def logout_button() -> None:
    """Render a log-out button in the sidebar for a logged-in planner."""
    lang = state.lang()
    if uses_oidc():
        st.sidebar.button(t("auth.logout", lang), on_click=st.logout)
    elif st.sidebar.button(t("auth.logout", lang)):
        st.session_state[_SESSION_KEY] = False
        st.rerun()


def planner_name() -> str:
    """Return who is logged in, for audit trails (the OIDC name or e-mail, else "planerare")."""
    if uses_oidc() and st.user.is_logged_in:
        return str(st.user.get("email") or st.user.get("name") or "planerare")
    return "planerare"
