"""Users, roles, sessions, API tokens and sign-in (local passwords and OpenID Connect)."""
