"""From a profile name to final credentials, composed one way for every command: reuse what
the environment holds, else ask the session agent, else STS from this process.

Commands differ only in the cache they pass (`chain/cache.Use`), the asker (`mfa`) and
whether an agent may be started. Through the agent, the agent resolves the profile and
reads the keyring; the config parser, the providers and STS are loaded only on the direct
path, so an answer from the agent costs no botocore at all.
"""

from __future__ import annotations

from awsmfa_exec import agent, log
from awsmfa_exec import environ as env_vars
from awsmfa_exec.agent import client as agent_client
from awsmfa_exec.request import Obtained, Request, asker_for

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from awsmfa_exec.chain.cache import Use
    from awsmfa_exec.mfa import Asker

START = "start"  # ask the agent, starting one when none answers
RUNNING = "running"  # ask a running agent only (a refresh: one started here would be orphaned)
OFF = "off"  # STS from this process


def obtain(
    request: Request,
    environ: Mapping[str, str],
    *,
    cache: Use | None = None,
    asker: Asker | None = None,
    agent_use: str = START,
) -> Obtained:
    """Credentials for `request.profile`, with the region the child should see, and how
    they were had (`Obtained.via`)."""
    if asker is None and (request.token_code is not None or environ.get("AWSMFA_TOKEN_CODE")):
        asker = asker_for(request, environ)  # a code given is checked before any call
    reused = reuse_inherited(request, environ)
    if reused is not None:
        return reused
    got = None
    if not agent.enabled(environ):
        log.debug("AWSMFA_AGENT=off: no session agent, straight to STS")
    elif agent_use != OFF:
        got = agent_client.through_agent(request, environ, asker, start=agent_use == START)
    if got is None:
        got = direct(request, environ, cache, asker)
    _note_unneeded_code(request, environ)
    return got


def reuse_inherited(request: Request, environ: Mapping[str, str]) -> Obtained | None:
    """The credentials a parent awsmfa left in the environment for this profile, when they
    have life left and the request asks for nothing they might not have (-d, --no-session)."""
    options = request.options
    if options.duration is not None or options.no_session:
        return None
    reused = env_vars.inherited(environ, request.profile)
    if reused is None:
        return None
    log.debug(f"reusing the {request.profile} credentials this environment already holds")
    region = options.region or env_vars.region_in(environ)
    return Obtained(request.profile, reused, region, "inherited")


def direct(
    request: Request, environ: Mapping[str, str], cache: Use | None, asker: Asker | None
) -> Obtained:
    """STS from this process: the profile resolved from the caller's files, its root
    fetched here when botocore resolves it."""
    from awsmfa_exec.agent.harden import before_secrets
    from awsmfa_exec.chain import steps
    from awsmfa_exec.chain.cache import Use
    from awsmfa_exec.config import Files, load_chain
    from awsmfa_exec.mfa import MfaCode
    from awsmfa_exec.prompts import Asking

    before_secrets()
    chain = load_chain(request.profile, environ)
    asker = asker or asker_for(request, environ)
    mfa = MfaCode(chain.mfa_serial, request.profile, asker, Asking.of(chain))
    root = None
    if chain.source.deferred:
        from awsmfa_exec.roots import BotocoreRoot

        region = request.options.region or chain.region
        root = BotocoreRoot(chain.source, Files.from_environ(environ), environ, region).retrieve
    creds, region = steps.credentials(chain, request.options, mfa, environ, cache or Use(), root)
    return Obtained(request.profile, creds, region, "direct")


def _note_unneeded_code(request: Request, environ: Mapping[str, str]) -> None:
    """After success: a code given with -t to a chain without mfa_serial gets one note."""
    if request.token_code is None:
        return
    from awsmfa_exec.config import load_chain, no_keys_read

    if load_chain(request.profile, environ, no_keys_read).mfa_serial is None:
        log.note(
            f"the code given with --token-code was not needed: neither {request.profile} nor "
            "a profile down its source_profile chain has an mfa_serial, so no MFA is used"
        )
