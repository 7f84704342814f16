"""Claim Check as an LTI 1.3 (LTI Advantage) tool: launches, Deep Linking and grades (AGS).

Why a direct implementation on PyJWT + cryptography, not pylti1p3: pylti1p3 is frozen upstream
and ships only Django and Flask adapters, so on FastAPI it needs an adapter layer of request,
cookie, session and cache classes that is as large as the protocol code it would save, and it
keeps launch data in a cache or cookies of its own. LTI 1.3 itself is small: an OIDC
third-party login, an RS256 JWT to check, a JWT to sign, and a client-credentials token. Written
here, every rule is visible and tested (tests/support/lti_platform.py plays the LMS), state and
nonces live in our database, which is what several app processes share, and there is no extra
dependency beyond PyJWT and cryptography (python-jose is not used).

The modules, by noun:
    vocab.py      the claim names and role URIs of the specification
    keys.py       the tool's RSA keys: generation, storage, rotation, the public JWKS
    platforms.py  registered platforms and deployments; the platforms' JWKS, fetched and cached
    tables.py     the LTI tables; their queries are in quiz_app/store/ (lti, platforms, keys,
                  grades)
    login.py      OIDC login initiation
    launch.py     the id_token's validation, step by step
    deep_linking.py  the signed LtiDeepLinkingResponse
    grades.py     the grade queue: what is queued when an attempt completes, and its status
    ags.py        sending grades: access tokens, score posts, retries, the background sender
"""
