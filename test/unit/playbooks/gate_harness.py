# Runs playbooks/files/slipway-docker's Gate on argv cases without root or docker, for test/unit/playbooks/docker-gate.test.ts.
# The gate is loaded as a module; what touches the host is replaced: the app's record (given per case), `docker`
# queries (answered from the case's containers and volumes), and every exec (the argv the gate would run is reported
# instead). Input on stdin: {"gate": PATH, "work": DIR, "cases": [{app, argv, record?, containers?, volumes?, doc?}]}.
# Output on stdout: one result per case, {"exec": [argv...]} or {"exit": code, "stderr": text}.
import contextlib
import importlib.machinery
import importlib.util
import io
import json
import os
import subprocess
import sys
import types

try:
    import yaml  # noqa: F401 (the gate's compose copy is written with it; JSON is YAML where python3-yaml is missing)
except ImportError:
    sys.modules["yaml"] = types.SimpleNamespace(
        safe_dump=lambda doc, f, sort_keys=False: json.dump(doc, f), safe_load=json.loads)


class Exec(Exception):
    def __init__(self, argv):
        super().__init__(argv)
        self.argv = argv


def load(path):
    sys.dont_write_bytecode = True  # no __pycache__ next to the shipped gate
    loader = importlib.machinery.SourceFileLoader("slipway_docker", path)
    spec = importlib.util.spec_from_loader("slipway_docker", loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


def fake_docker(case, work):
    containers = case.get("containers", {})
    volumes = case.get("volumes", {})

    def docker(*args, **kw):
        args = list(args)
        ok = lambda out="": subprocess.CompletedProcess(args, 0, out, "")  # noqa: E731
        missing = subprocess.CompletedProcess(args, 1, "", "Error: No such object")
        if args[:2] == ["container", "inspect"]:
            owner = containers.get(args[-1])
            return ok(f"{owner.get('app', '')}|{owner.get('project', '')}\n") if owner is not None else missing
        if args[:2] == ["volume", "inspect"]:
            name = args[-1]
            if name not in volumes:
                return missing
            if args[3] == "{{ .Mountpoint }}":
                return ok(f"{work}/volumes/{name}/_data\n")
            return ok(f"{volumes[name]}\n")
        return ok()

    return docker


def run_case(gate, case, work):
    gate.docker = fake_docker(case, work)
    record = {"deploy_dir": f"{work}/opt/{case['app']}", "data_dir": f"{work}/data/{case['app']}"}
    record.update(case.get("record", {}))
    gate.record = lambda app: dict(record) if gate.NAME.fullmatch(app) else gate.die(f"invalid app name: {app!r}")
    gate.Gate.exec_docker = lambda self, argv: (_ for _ in ()).throw(Exec(["docker", *argv]))
    gate.Gate.run_container = lambda self, argv: (_ for _ in ()).throw(Exec(["docker", *argv]))
    gate.os.execvp = lambda program, argv: (_ for _ in ()).throw(Exec(list(argv)))
    gate.os.chdir = lambda path: None
    if "doc" in case:
        gate.Compose.normalise = lambda self, binary, project, file: json.loads(json.dumps(case["doc"]))
    err = io.StringIO()
    try:
        with contextlib.redirect_stderr(err):
            gate.Gate(case["app"]).verb(case["argv"])
    except Exec as e:
        return {"exec": e.argv}
    except SystemExit as e:
        return {"exit": e.code, "stderr": err.getvalue().strip()}
    return {"exit": None, "stderr": err.getvalue().strip()}


def main():
    request = json.load(sys.stdin)
    gate = load(request["gate"])
    work = request["work"]
    gate.GATE_DIR = f"{work}/gate"
    os.environ["SUDO_UID"] = str(os.getuid())
    print(json.dumps([run_case(gate, case, work) for case in request["cases"]]))


if __name__ == "__main__":
    main()
