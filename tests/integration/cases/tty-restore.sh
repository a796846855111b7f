#!/bin/bash
# SPDX-License-Identifier: MIT
# Attack 7 of issue 11, through a real pseudo-terminal that is lbox's
# controlling terminal: a guest clears ECHO, ICANON and ISIG, unsets VINTR
# and sets a 3x7 window; after it exits (normally, or killed by SIGTERM
# sent to lbox) the terminal must be as it was. And TIOCGPGRP in the guest
# answers the guest's own process group, never a host one.
. "$(dirname "$0")/../lib.sh"
need_lbox
command -v python3 >/dev/null || skip "no python3 on the host"

/usr/bin/python3 - "${LBOX_CMD[@]}" <<'EOF'
import fcntl, os, select, signal, struct, subprocess, sys, termios, time

lbox = sys.argv[1:]
fails = 0

def check(cond, what):
    global fails
    print(("ok: " if cond else "FAIL: ") + what)
    fails += 0 if cond else 1

def winsize(fd):
    return struct.unpack('HHHH', fcntl.ioctl(fd, termios.TIOCGWINSZ, b'\0' * 8))

def run(guest, kill_after=None):
    """lbox run GUEST on a fresh pty; (terminal before, after, output, rc)."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack('HHHH', 40, 100, 0, 0))
    before = (termios.tcgetattr(slave), winsize(slave))

    def ctty():
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    p = subprocess.Popen(lbox + ['run', '--'] + guest, stdin=slave,
                         stdout=slave, stderr=slave, start_new_session=True,
                         preexec_fn=ctty)
    out, start = b'', time.time()
    while time.time() - start < 60:
        r, _, _ = select.select([master], [], [], 0.2)
        if r:
            out += os.read(master, 65536)
        if kill_after and b'scrambled' in out:
            p.send_signal(signal.SIGTERM)
            kill_after = None
        if p.poll() is not None and not r:
            break
    if p.poll() is None:
        p.kill()
    rc = p.wait()
    after = (termios.tcgetattr(slave), winsize(slave))
    os.close(slave)
    os.close(master)
    return before, after, out.decode(errors='replace'), rc, p.pid

# The guest scrambles its terminal and reads it back (one process: the
# sandbox has no fork yet), then exits or waits for the SIGTERM.
scramble = (
    'import fcntl, struct, sys, termios, time\n'
    'a = termios.tcgetattr(0)\n'
    'a[3] &= ~(termios.ECHO | termios.ICANON | termios.ISIG)\n'
    'a[6][termios.VINTR] = 0\n'
    'termios.tcsetattr(0, termios.TCSANOW, a)\n'
    "fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack('HHHH', 3, 7, 0, 0))\n"
    'b = termios.tcgetattr(0)\n'
    "ws = struct.unpack('HHHH', fcntl.ioctl(0, termios.TIOCGWINSZ, bytes(8)))\n"
    'ok = not b[3] & (termios.ECHO | termios.ICANON | termios.ISIG) and '
    'b[6][termios.VINTR] in (0, bytes(1)) and ws[:2] == (3, 7)\n'
    "print('scrambled' if ok else 'not scrambled', flush=True)\n"
    'if sys.argv[1:] == ["wait"]: time.sleep(30)\n')
for how, guest, kill in (
        ('exit', ['/usr/bin/python3', '-c', scramble], False),
        ('SIGTERM', ['/usr/bin/python3', '-c', scramble, 'wait'], True)):
    before, after, out, rc, _ = run(guest, kill)
    check('scrambled' in out and 'not scrambled' not in out,
          f'{how}: the guest scrambled the terminal it ran on')
    check(after[0] == before[0], f'{how}: attributes restored')
    check(after[1] == before[1], f'{how}: window size restored '
          f'({before[1][:2]} -> {after[1][:2]})')
    want = 143 if kill else 0
    check(rc == want, f'{how}: lbox exit {rc}, want {want}')
    if fails:
        print(out)

# TIOCGPGRP: the guest's own group, equal to its getpgrp(); not lbox's.
prog = ('import fcntl, os, struct, termios; '
        "g = struct.unpack('i', fcntl.ioctl(0, termios.TIOCGPGRP, b'0000'))[0]; "
        "print('pgrp', g, os.getpgrp())")
_, _, out, rc, host_pgid = run(['/usr/bin/python3', '-c', prog])
words = [l.split() for l in out.splitlines() if l.startswith('pgrp ')]
check(rc == 0 and len(words) == 1, f'TIOCGPGRP answered (rc={rc})')
if words:
    g, own = int(words[0][1]), int(words[0][2])
    check(g == own, f'TIOCGPGRP {g} is the guest getpgrp() {own}')
    check(g != host_pgid, f'TIOCGPGRP {g} is not the host group {host_pgid}')
sys.exit(1 if fails else 0)
EOF
rc=$?
[ "$rc" -eq 0 ] || fail "terminal checks failed"
finish
