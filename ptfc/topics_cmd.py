"""`ptfc topics [--acls [--dry-run]] [--access-table]`: the topics, and who may use them.

Exit codes: 0 done; 3 `--acls` on a broker that cannot hold ACLs (the embedded Tansu broker, or
Apache Kafka without an authorizer): the topics are ready, no ACL was applied, and the bindings it
would apply are printed as `kafka-acls.sh` arguments, so an operator who asked for access control
never gets an open broker silently; 1 anything else (the error's type, never a server's text).
"""
from __future__ import annotations

import asyncio
import sys

from ptfc.kit.acls import markdown, model
from ptfc.kit.settings import Settings

UNSUPPORTED = 3


def run(acls: bool = False, dry_run: bool = False, table: bool = False) -> int:
    from ptfc.kit.acl_admin import AclsUnsupported, apply
    from ptfc.kit.acls import bindings, render
    from ptfc.kit.topic_admin import ensure_topics, lots_of

    settings = Settings()
    if table:  # the README's table: `<lot>` stands for each lot
        print(markdown(model(["<lot>"])))
        return 0
    found = bindings(model(lots_of(settings)), settings.topic_namespace)
    if acls and dry_run:
        print(render(found))
        return 0
    created = asyncio.run(ensure_topics(settings))
    print(f"topics ready ({len(created)} created)")
    if not acls:
        return 0
    try:
        applied = asyncio.run(apply(settings, found))
    except AclsUnsupported as exc:
        print(f"ACLs NOT applied: {exc}. The embedded Tansu broker keeps no ACLs; on Apache Kafka, "
              "set an authorizer and run again, or apply these with kafka-acls.sh:", file=sys.stderr)
        print(render(found))
        return UNSUPPORTED
    except RuntimeError as exc:  # our own text: which request the broker refused, and why
        print(f"ACLs not applied: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:  # the type only: the text may name a server
        print(f"ACLs not applied: {type(exc).__name__}", file=sys.stderr)
        return 1
    print(f"ACLs applied ({applied} bindings, from contracts/access.py)")
    return 0
