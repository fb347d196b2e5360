-- Admin sessions now store only a hash of their CSRF token (derived from the cookie value).
-- Sessions created before held the token in clear: end them, so no copy of the database
-- from before the upgrade holds a usable token. Admins sign in again once.
DELETE FROM admin_sessions;
