#!/usr/bin/env python3
"""Host tests of tools/setup.sh's package decisions, in its dry run.

Each case runs the script with DAKOTA_SETUP_DRY_RUN=1 against a mock: a
fake dpkg-query that reports the installed versions the case chooses, a fake
id (root or not) and sudo, and DAKOTA_SETUP_ROOT with the case's
etc/os-release and etc/apt. The real dpkg compares versions. Nothing on the
machine changes: the test reads the commands the script prints."""

import os
import shutil
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SETUP = os.path.join(HERE, os.pardir, os.pardir, "tools", "setup.sh")

# What tools/setup.sh installs from the default sources, all present.
BASE = {p: "1.0" for p in (
    "gcc-riscv64-linux-gnu libc6-dev-riscv64-cross meson ninja-build python3 gcc "
    "libc6-dev g++-riscv64-linux-gnu qemu-user").split()}
OLD = {"qemu-system-misc": "1:7.2+dfsg-7+deb12u18+b3", "opensbi": "1.1-2"}
NEW = {"qemu-system-riscv": "1:10.0.2+ds-2+deb13u1~bpo12+1", "opensbi": "1.5.1-1~bpo12+2"}

FAKE_DPKG_QUERY = r"""#!/bin/sh
# dpkg-query -W -f=FORMAT PACKAGE, answered from $MOCK_DPKG ("name version" lines).
for last; do :; done
v=$(sed -n "s/^$last //p" "$MOCK_DPKG")
[ -n "$v" ] || exit 1
case "$*" in
*Version*) printf 'install ok installed %s\n' "$v" ;;
*) printf 'install ok installed' ;;
esac
"""

BACKPORTS_INSTALL = ("apt-get install -y -q --no-install-recommends "
                     "-t bookworm-backports qemu-system-riscv opensbi")
SOURCES_FILE = "etc/apt/sources.list.d/dakota-bookworm-backports.sources"


class SetupDryRun(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="dakota-setup-test.")
        self.bin = os.path.join(self.dir, "bin")
        self.root = os.path.join(self.dir, "root")
        os.makedirs(self.bin)
        os.makedirs(os.path.join(self.root, "etc", "apt", "sources.list.d"))
        self.write_bin("dpkg-query", FAKE_DPKG_QUERY)
        self.os_release("bookworm")
        self.uid = 0

    def tearDown(self):
        shutil.rmtree(self.dir)

    def write_bin(self, name, text):
        path = os.path.join(self.bin, name)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, 0o755)

    def os_release(self, codename):
        with open(os.path.join(self.root, "etc", "os-release"), "w") as f:
            f.write(f'PRETTY_NAME="Debian"\nVERSION_CODENAME={codename}\nID=debian\n')

    def source(self, name, text):
        with open(os.path.join(self.root, "etc", "apt", name), "w") as f:
            f.write(text)

    def run_setup(self, installed, sudo=True, env_extra=None):
        with open(os.path.join(self.dir, "dpkg"), "w") as f:
            for name, version in installed.items():
                f.write(f"{name} {version}\n")
        self.write_bin("id", f"#!/bin/sh\necho {self.uid}\n")
        if sudo:
            self.write_bin("sudo", "#!/bin/sh\nexec \"$@\"\n")
        env = dict(os.environ, DAKOTA_SETUP_DRY_RUN="1", DAKOTA_SETUP_ROOT=self.root,
                   MOCK_DPKG=os.path.join(self.dir, "dpkg"))
        env.pop("DAKOTA_SETUP_KEEP_QEMU", None)
        env.update(env_extra or {})
        env["PATH"] = self.bin + os.pathsep + (env["PATH"] if sudo else self.minimal_path())
        proc = subprocess.run(["/bin/sh", SETUP], env=env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.assertEqual(proc.returncode, 0, proc.stdout)
        return proc.stdout

    def minimal_path(self):
        """A directory with the tools the script needs, and no sudo."""
        tools = os.path.join(self.dir, "tools")
        os.makedirs(tools)
        for name in ("dirname", "cat", "sed", "grep", "dpkg", "env", "tee", "printf"):
            found = shutil.which(name)
            if found:
                os.symlink(found, os.path.join(tools, name))
        return tools

    def test_bookworm_with_qemu_7_adds_backports_and_installs(self):
        out = self.run_setup({**BASE, **OLD})
        self.assertIn(f"dry-run: write {self.root}/{SOURCES_FILE}:", out)
        self.assertIn("dry-run:   Suites: bookworm-backports", out)
        self.assertIn("dry-run: env DEBIAN_FRONTEND=noninteractive apt-get update -q", out)
        self.assertIn("dry-run: env DEBIAN_FRONTEND=noninteractive " + BACKPORTS_INSTALL, out)
        self.assertNotIn("sudo", out)
        self.assertIn("dry-run: ninja -C build", out)

    def test_new_enough_installs_nothing(self):
        out = self.run_setup({**BASE, **OLD, **NEW})
        self.assertNotIn("apt-get", out)
        self.assertNotIn("write", out)

    def test_only_old_opensbi_is_installed(self):
        out = self.run_setup({**BASE, **NEW, "opensbi": "1.4-1"})
        self.assertIn("--no-install-recommends -t bookworm-backports opensbi\n", out)
        self.assertNotIn("qemu-system-riscv ", out)

    def test_existing_backports_source_is_kept(self):
        self.source("sources.list", "deb http://deb.debian.org/debian bookworm main\n")
        self.source("sources.list.d/backports.list",
                    "deb http://deb.debian.org/debian bookworm-backports main\n")
        out = self.run_setup({**BASE, **OLD})
        self.assertNotIn("write", out)
        self.assertIn(BACKPORTS_INSTALL, out)

    def test_deb822_backports_source_is_kept(self):
        self.source("sources.list.d/debian.sources",
                    "Types: deb\nURIs: http://deb.debian.org/debian\n"
                    "Suites: bookworm bookworm-updates bookworm-backports\nComponents: main\n")
        out = self.run_setup({**BASE, **OLD})
        self.assertNotIn("write", out)
        self.assertIn(BACKPORTS_INSTALL, out)

    def test_commented_backports_source_does_not_count(self):
        self.source("sources.list", "# deb http://deb.debian.org/debian bookworm-backports main\n")
        out = self.run_setup({**BASE, **OLD})
        self.assertIn("dry-run: write", out)

    def test_keep_qemu_installs_nothing(self):
        out = self.run_setup({**BASE, **OLD}, env_extra={"DAKOTA_SETUP_KEEP_QEMU": "1"})
        self.assertNotIn("apt-get", out)
        self.assertNotIn("write", out)

    def test_later_debian_uses_default_sources(self):
        self.os_release("trixie")
        out = self.run_setup(BASE)
        self.assertNotIn("write", out)
        self.assertNotIn("bookworm-backports", out)
        self.assertIn("apt-get install -y -q --no-install-recommends qemu-system-riscv opensbi",
                      out)

    def test_not_root_uses_sudo(self):
        self.uid = 1000
        out = self.run_setup({**BASE, **OLD})
        self.assertIn("dry-run: sudo env DEBIAN_FRONTEND=noninteractive " + BACKPORTS_INSTALL,
                      out)

    def test_not_root_without_sudo_only_warns(self):
        self.uid = 1000
        out = self.run_setup({**BASE, **OLD}, sudo=False)
        self.assertIn("warning: older or missing: qemu-system-riscv opensbi", out)
        self.assertNotIn("apt-get", out)

    def test_missing_base_package_installed_from_default_sources(self):
        base = dict(BASE)
        del base["meson"]
        out = self.run_setup({**base, **NEW})
        self.assertIn("apt-get install -y -q --no-install-recommends meson\n", out)
        self.assertNotIn("bookworm-backports", out)


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1] + sys.argv[1:], verbosity=2)
