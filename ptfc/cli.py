"""`ptfc`: run services, the embedded stack, one-shot jobs, generated documents and the benchmark."""
from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _local():
    """The environment's settings, or `make run`'s stack where the environment names none."""
    from ptfc.stack import local
    return local.settings(ROOT)


def _run(args: argparse.Namespace) -> int:
    from ptfc import supervisor
    if args.service == "all":
        return supervisor.run_all(int(os.environ.get("HTTP_PORT_BASE", "8081")))
    from ptfc.kit.service import serve
    from ptfc.kit.settings import Settings
    from ptfc.catalogue import spec
    from pydantic import ValidationError
    overrides = {"lot": args.lot} if args.lot else {}
    try:
        asyncio.run(serve(spec(args.service), Settings(**overrides)))
    except KeyboardInterrupt:
        pass
    except ValidationError as exc:  # a setting (plumbing, programme or the service's own) out of range
        # Which variable and why, never the value: it may be a password or a token.
        for err in exc.errors():
            name = str(err["loc"][0]).upper() if err["loc"] else "settings"
            print(f"error: {args.service}: {name}: {err['msg']}", file=sys.stderr)
        return 2
    return 0


def _topics(args: argparse.Namespace) -> int:
    from ptfc.topics_cmd import run
    return run(acls=args.acls, dry_run=args.dry_run, table=args.access_table)


def _databases(args: argparse.Namespace) -> int:
    from ptfc.provision import provision
    from ptfc.catalogue import instances
    password = os.environ.get("SERVICE_DB_PASSWORD")
    if not password:
        print("error: set SERVICE_DB_PASSWORD (the password given to each service's role)", file=sys.stderr)
        return 2
    roles = asyncio.run(provision(os.environ["DATABASE_URL"], instances(), password))
    print(f"databases ready: {', '.join(sorted(roles.values()))}")
    return 0


def _stack(args: argparse.Namespace) -> int:
    from ptfc.stack.run import main
    return main(ROOT)


def _schemas(args: argparse.Namespace) -> int:
    from ptfc import docs
    changed = docs.write_schemas(check=not args.write)
    if changed and not args.write:
        print("out of date: " + ", ".join(changed) + " (run 'make schemas')", file=sys.stderr)
        return 1
    print("schemas " + ("written" if args.write else "up to date"))
    return 0


def _asyncapi(args: argparse.Namespace) -> int:
    import json
    from ptfc import docs
    print(json.dumps(docs.asyncapi(args.service, args.lot), indent=2))
    return 0


def _openapi(args: argparse.Namespace) -> int:
    import json
    from ptfc import docs
    print(json.dumps(docs.openapi(args.service, args.lot), indent=2))
    return 0


def _reissue(args: argparse.Namespace) -> int:
    from services.learning.cli import reissue
    try:
        event_id = asyncio.run(reissue(_local(), args.person_id))
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"reissue requested (event {event_id}); the parent gets a new link by email")
    return 0


def _report(args: argparse.Namespace) -> int:
    import asyncpg
    from services.reporting import cli as reporting
    from services.reporting.domain.report import ReportError
    if args.action == "rebuild":
        generation = asyncio.run(reporting.rebuild(_local()))
        print(f"read model emptied (generation {generation}); the reporting service now reads every "
              "topic again from the beginning (within seconds if running, else when started)")
        return 0
    try:
        doc = asyncio.run(reporting.kpi(_local(), args.start, args.end, args.programme, args.lot, args.cafcass_area))
    except ReportError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (OSError, asyncpg.PostgresError) as exc:  # type only: the text may name the server
        print(f"error: cannot read the reporting database ({type(exc).__name__})", file=sys.stderr)
        return 1
    print(reporting.render(doc, args.format), end="" if args.format == "csv" else "\n")
    return 0


def _deadletters(args: argparse.Namespace) -> int:
    from ptfc import deadletters as dl
    settings = _local()
    letters = asyncio.run(dl.read_all(settings))
    try:
        if args.op == "list":
            print(dl.summary(letters) + ("\n\n" + dl.listing(letters) if letters else ""))
        elif args.op == "show":  # the bytes are in the refusing service's database, not on the topic
            letter = dl.find(letters, args.ref)
            print(dl.show(letter, None if letter.internal else asyncio.run(dl.kept_bytes(settings, letter))))
        else:
            corrected = Path(args.file).read_bytes() if args.file else None
            topic = asyncio.run(dl.replay(settings, dl.find(letters, args.ref), corrected, args.new_id))
            print(f"sent back to {topic}")
    except (LookupError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _status(args: argparse.Namespace) -> int:
    import json
    from services.reporting.status import render, status
    try:
        doc = asyncio.run(status(_local()))
    except Exception as exc:  # type only: the text may name a server or a password
        print(f"error: cannot read the broker or the reporting database ({type(exc).__name__})", file=sys.stderr)
        return 1
    print(json.dumps(doc, indent=2) if args.json else render(doc))
    return 0


def _replay(args: argparse.Namespace) -> int:
    from ptfc import replay
    settings = _local()
    where = replay.targets(settings)
    try:
        if args.op == "begin":
            replay_id = asyncio.run(replay.begin(settings, where, timeout=args.timeout))
            print(f"now send the history in waves (ptfc replay wait between them); then: ptfc replay end   ({replay_id})")
        elif args.op == "wait":
            asyncio.run(replay.wait(where, replay.lags_from_status(settings), timeout=args.timeout))
        else:
            asyncio.run(replay.end(settings, where, replay.lags_from_status(settings), timeout=args.timeout))
    except replay.ReplayError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # type only: the text may name a server or a password
        print(f"error: cannot reach the broker or a database ({type(exc).__name__})", file=sys.stderr)
        return 1
    return 0


def _erase(args: argparse.Namespace) -> int:
    from services.referral.cli import erase
    try:
        event_id = asyncio.run(erase(_local(), args.person_id, args.reason))
    except LookupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"erasure requested (event {event_id}); every service erases the person's data as it reads it")
    return 0


def _demo(args: argparse.Namespace) -> int:
    from ptfc.demo.run import DemoError, demo, where_to_look
    try:
        run, now = asyncio.run(demo())
    except DemoError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(where_to_look(run, now))
    return 0


def _bench(args: argparse.Namespace) -> int:
    from ptfc.bench import main
    return main(args.referrals, args.rate, not args.no_reporting)


def _chaos(args: argparse.Namespace) -> int:
    from ptfc import supervisor
    from ptfc.chaos.run import main
    supervisor.stop_on_signals()  # Ctrl-C or SIGTERM: its own stack stops too (even in the background)
    _, failed = main(args.referrals, args.rate, args.seed)
    return 1 if failed else 0


def _corpus(args: argparse.Namespace) -> int:
    from ptfc.corpus import main
    return main.running(args.messages, args.seed, _local()) if args.running else main.embedded(args.messages, args.seed)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="ptfc", description=__doc__)
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run one service (or 'all') against running infrastructure")
    r.add_argument("service")
    r.add_argument("--lot", help="the lot of a workshops instance (or set LOT)")
    r.set_defaults(fn=_run)
    sub.add_parser("stack", help="start broker, database, SMTP sink and every service").set_defaults(fn=_stack)
    tp = sub.add_parser("topics", help="create the topics (one-shot); --acls: and the access model's ACLs")
    tp.add_argument("--acls", action="store_true", help="apply contracts/access.py as Kafka ACLs (exit 3 where "
                    "the broker keeps none, e.g. the embedded Tansu: the bindings are printed instead)")
    tp.add_argument("--dry-run", action="store_true", help="with --acls: print the bindings, touch nothing")
    tp.add_argument("--access-table", action="store_true", help="print the access model as the README's table")
    tp.set_defaults(fn=_topics)
    sub.add_parser("databases", help="create each service's role and database (one-shot)").set_defaults(fn=_databases)
    s = sub.add_parser("schemas", help="check (default) or --write the generated schemas, AsyncAPI and OpenAPI")
    s.add_argument("--write", action="store_true")
    s.set_defaults(fn=_schemas)
    a = sub.add_parser("asyncapi", help="print a service's AsyncAPI 3.0 document")
    a.add_argument("service")
    a.add_argument("--lot", default="lot-north")
    a.set_defaults(fn=_asyncapi)
    o = sub.add_parser("openapi", help="print a service's OpenAPI 3.1 document (its HTTP routes)")
    o.add_argument("service")
    o.add_argument("--lot", default="lot-north")
    o.set_defaults(fn=_openapi)
    le = sub.add_parser("learning", help="learning operations").add_subparsers(dest="op", required=True)
    ri = le.add_parser("reissue", help="send a parent a new Parent Hub link (the old one stops working)")
    ri.add_argument("person_id")
    ri.set_defaults(fn=_reissue)
    rp = sub.add_parser("report", help="the programme's KPI report (kpi.md), or 'rebuild' its read model")
    rp.add_argument("action", nargs="?", choices=["rebuild"], help="empty the read model and replay the topics")
    rp.add_argument("--from", dest="start", help="first day 0 (YYYY-MM-DD, inclusive)")
    rp.add_argument("--to", dest="end", help="last day 0 (YYYY-MM-DD, inclusive)")
    rp.add_argument("--programme", default="ptfc", choices=["ptfc", "cppp"])
    rp.add_argument("--lot")
    rp.add_argument("--cafcass-area", dest="cafcass_area")
    fmt = rp.add_mutually_exclusive_group()
    fmt.add_argument("--json", dest="format", action="store_const", const="json", default="table")
    fmt.add_argument("--csv", dest="format", action="store_const", const="csv")
    rp.set_defaults(fn=_report)
    er = sub.add_parser("erase", help="erase a person's personal data in every service (counts stay)")
    er.add_argument("person_id")
    er.add_argument("--reason", help="why (kept with the request, e.g. the request's reference)")
    er.set_defaults(fn=_erase)
    dlp = sub.add_parser("deadletters", help="what was refused: list, show one, replay one").add_subparsers(
        dest="op", required=True)
    dlp.add_parser("list", help="counts by service, origin and reason, then every dead letter").set_defaults(
        fn=_deadletters)
    for op, text in (("show", "headers and (unless from an internal topic) the bytes of one dead letter"),
                     ("replay", "send one back to its origin topic (fixed system or --file corrected)")):
        sp = dlp.add_parser(op, help=text)
        sp.add_argument("ref", help="partition:offset on ptfc.deadletter, as `list` shows")
        if op == "replay":
            sp.add_argument("--file", help="a corrected message (the whole CloudEvents JSON) to send instead")
            sp.add_argument("--new-id", action="store_true", help="give the replay an id of its own (needed "
                            "when the refused message was decoded: its id counts as seen)")
        sp.set_defaults(fn=_deadletters)
    st = sub.add_parser("status", help="each service's consumer lag and the dead letters by reason")
    st.add_argument("--json", action="store_true")
    st.set_defaults(fn=_status)
    rpl = sub.add_parser("replay", help="hold every timer while back-dated history is replayed (README: "
                         "Migrating cases in flight)").add_subparsers(dest="op", required=True)
    for op, text, wait in (("begin", "hold every service's timers, once each holds", 120.0),
                           ("wait", "wait until everything sent so far was read (between waves)", 3600.0),
                           ("end", "wait until everything sent was read, then release the timers", 3600.0)):
        rp_op = rpl.add_parser(op, help=text)
        rp_op.add_argument("--timeout", type=float, default=wait, help=f"seconds to wait (default {wait:.0f})")
        rp_op.set_defaults(fn=_replay)
    sub.add_parser("demo", help="send a few whole cases as the partners would (after `make run`)").set_defaults(fn=_demo)
    b = sub.add_parser("bench", help="end-to-end referral throughput and latency (prints figures)")
    b.add_argument("--referrals", type=int, default=5000)
    b.add_argument("--rate", type=float, default=0.0,
                   help="publish at this many referrals per second (default: all at once)")
    b.add_argument("--no-reporting", action="store_true", help="skip the reporting service's figures")
    b.set_defaults(fn=_bench)
    ch = sub.add_parser("chaos", help="whole journeys while services are killed and the database and broker "
                        "go away; then proves nothing was lost or doubled (prints figures)")
    ch.add_argument("--referrals", type=int, default=5000)
    ch.add_argument("--rate", type=float, default=4.0, help="referrals per second (default 4)")
    ch.add_argument("--seed", type=int, help="the faults' random schedule (default: from the clock, printed)")
    ch.set_defaults(fn=_chaos)
    co = sub.add_parser("corpus", help="hostile input on every partner topic, good traffic between "
                        "(prints counts by reason, time, memory)")
    co.add_argument("--messages", type=int, default=2000)
    co.add_argument("--seed", type=int, default=14)
    co.add_argument("--running", action="store_true",
                    help="against the running stack (environment, else `make run`) instead of an embedded one")
    co.set_defaults(fn=_corpus)
    args = p.parse_args(argv)
    return args.fn(args)


if __name__ == "__main__":
    sys.exit(main())
