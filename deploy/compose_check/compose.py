"""docker-compose.yml plus the stand-ins' override, through Compose v2 when the engine's client
has it, else Debian's docker-compose 1.29 (which rejects the top-level `name:` key, so it is given
a copy without that one line; -p names the project either way)."""
from __future__ import annotations

import json
import re

from .images import ROOT, WORK
from .run import out, sh

COMPOSE_FILE = ROOT / "docker-compose.yml"
OVERRIDE = ROOT / "deploy" / "compose.standins.yml"
INFRA = {"kafka", "postgres", "mailpit", "init"}


class Compose:
    def __init__(self, project: str, tag: str) -> None:
        self.project, self.env = project, {"PTFC_TAG": tag}
        if sh("docker", "compose", "version", check=False).returncode == 0:
            self.cmd = ["docker", "compose", "-p", project, "-f", str(COMPOSE_FILE), "-f", str(OVERRIDE)]
            self.kind = "docker compose (v2), docker-compose.yml as it is"
        else:
            WORK.mkdir(parents=True, exist_ok=True)
            copy = WORK / "docker-compose.v1.yml"
            text = COMPOSE_FILE.read_text(encoding="utf-8")
            copy.write_text(re.sub(r"^name:.*\n", "", text, flags=re.M), encoding="utf-8")
            self.cmd = ["docker-compose", "--project-directory", str(ROOT), "-p", project,
                        "-f", str(copy), "-f", str(OVERRIDE)]
            version = out("docker-compose", "version", "--short")
            self.kind = f"docker-compose {version}, docker-compose.yml without its `name:` line"

    def __call__(self, *args: str, check: bool = True, timeout: float = 900):
        return sh(*self.cmd, *args, env=self.env, cwd=ROOT, check=check, timeout=timeout)

    def services(self) -> list[str]:
        return self("config", "--services").stdout.decode().split()

    def app_services(self) -> list[str]:
        return [s for s in self.services() if s not in INFRA]

    def containers(self, service: str | None = None, all: bool = True) -> list[str]:
        filters = ["--filter", f"label=com.docker.compose.project={self.project}"]
        if service:
            filters += ["--filter", f"label=com.docker.compose.service={service}"]
        return out("docker", "ps", *(["-a"] if all else []), "-q", *filters).split()

    def state(self, container: str) -> dict:
        return json.loads(out("docker", "inspect", "-f", "{{json .State}}", container))

    def ip(self, container: str) -> str:
        return out("docker", "inspect", "-f", "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}", container)

    def exec(self, service: str, *cmd: str) -> str:
        [container] = self.containers(service)[:1] or [""]
        return out("docker", "exec", container, *cmd)

    def logs(self, service: str, lines: int = 20) -> str:
        return self("logs", "--no-color", "--tail", str(lines), service, check=False).stdout.decode(errors="replace")

    def leftovers(self) -> dict[str, list[str]]:
        label = f"label=com.docker.compose.project={self.project}"
        return {"containers": self.containers(),
                "volumes": out("docker", "volume", "ls", "-q", "--filter", label).split(),
                "networks": out("docker", "network", "ls", "-q", "--filter", label).split()}
