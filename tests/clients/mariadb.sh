#!/bin/sh
# MariaDB (Debian's mariadbd 10.11, unmodified) with InnoDB on our
# io_uring: mariadb-install-db into a datadir on ext4 on the NVMe disk,
# mariadbd with innodb_use_native_aio=ON and O_DIRECT, a bounded
# mariadb-slap load, a clean restart and a crash (kill -9) recovery, each
# checked by the tables' row counts and CHECKSUM TABLE, and the fallback
# when kernel.io_uring_disabled=2.  That InnoDB really runs its I/O through
# io_uring is shown by its log line and by the ring's CQ tail in
# /proc/<pid>/fdinfo, which must grow under the load.  TAP output.
DATA=/mnt/ext4/mariadb
LOG=/tmp/mariadb.err
SOCK=/tmp/mariadb.sock
PIDF=/tmp/mariadb.pid
# a few thousand queries; fewer on the (much slower) debug kernel
queries=3000
grep -q kmemleak=on /proc/cmdline 2>/dev/null && queries=600
INNODB="--innodb-use-native-aio=ON --innodb-flush-method=O_DIRECT
--innodb-log-file-size=8M --innodb-buffer-pool-size=32M"
. "${TAP_LIB:-/usr/share/iou/tap.sh}"

sql() {
	mariadb --no-defaults --socket=$SOCK -uroot -N -B -e "$1"
}

start_server() {
	: >$LOG
	# shellcheck disable=SC2086
	mariadbd --no-defaults --user=root --datadir=$DATA --socket=$SOCK \
		--pid-file=$PIDF --skip-networking --log-error=$LOG $INNODB >>$LOG 2>&1 &
	SERVER_PID=$!
	i=0
	while [ $i -lt 1200 ]; do
		grep -q 'ready for connections' $LOG 2>/dev/null && return 0
		kill -0 $SERVER_PID 2>/dev/null || break
		sleep 0.25
		i=$((i + 1))
	done
	tail -n 20 $LOG | sed 's/^/# /'
	return 1
}

# What each thread of the server waits in, and its rings, for a server
# that does not finish in time.
dump_server() {
	for t in /proc/"$SERVER_PID"/task/*; do
		echo "# thread ${t##*/} $(cat "$t"/comm) in $(cat "$t"/wchan 2>/dev/null)"
		sed 's/^/#    /' "$t"/stack 2>/dev/null | head -n 12
	done
	for fd in /proc/"$SERVER_PID"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = 'anon_inode:[io_uring]' ] &&
			sed 's/^/# ring: /' /proc/"$SERVER_PID"/fdinfo/"${fd##*/}"
	done
	tail -n 20 $LOG | sed 's/^/# log: /'
}

# until_gone SECONDS: wait for the server to exit, and reap it
until_gone() {
	i=0
	while kill -0 "$SERVER_PID" 2>/dev/null; do
		[ $i -ge $(($1 * 4)) ] && return 1
		sleep 0.25
		i=$((i + 1))
	done
	wait "$SERVER_PID" 2>/dev/null
	return 0
}

# stop_server: a clean shutdown, which must end within 2 minutes
stop_server() {
	mariadb-admin --no-defaults --socket=$SOCK -uroot --shutdown-timeout=120 \
		shutdown >/dev/null 2>&1
	until_gone 120 && return 0
	dump_server
	kill -9 "$SERVER_PID"
	until_gone 60
	return 1
}

# crash_server: kill -9, and wait until it is gone (its files unlocked)
crash_server() {
	kill -9 "$SERVER_PID"
	until_gone 120
}

# The CQEs the server's rings posted since setup (their CQ tails), or
# nothing when it has no ring.
ring_cqes() {
	for fd in /proc/"$SERVER_PID"/fd/*; do
		[ "$(readlink "$fd" 2>/dev/null)" = 'anon_inode:[io_uring]' ] &&
			sed -n 's/^CqTail:\t*//p' /proc/"$SERVER_PID"/fdinfo/"${fd##*/}"
	done | awk '{ n += $1; rings++ } END { if (rings) print n }'
}

# Write every dirty page back (through InnoDB's asynchronous I/O), within
# a minute.
flush_pages() {
	sql "SET GLOBAL innodb_max_dirty_pages_pct = 0" || return 1
	i=0
	while [ $i -lt 240 ]; do
		[ "$(sql "SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_pages_dirty'" |
			cut -f2)" = 0 ] && return 0
		sleep 0.25
		i=$((i + 1))
	done
	dump_server
	return 1
}

# The state a round must keep: each table's rows and checksum, for the
# schemas the rounds so far have made ($SCHEMAS); nothing if a query fails.
tables_state() {
	st=
	for db in $SCHEMAS; do
		r=$(sql "SELECT COUNT(*) FROM $db.t1; CHECKSUM TABLE $db.t1") || return 1
		st="$st $r"
	done
	echo "$st" | tr '\n\t' '  '
}

# slap SCHEMA: inserts and selects on InnoDB from 4 clients; prints the
# queries per second it reached.
slap() {
	out=$(mariadb-slap --no-defaults --socket=$SOCK -uroot --concurrency=4 \
		--iterations=1 --number-of-queries=$queries --auto-generate-sql \
		--auto-generate-sql-load-type=mixed --auto-generate-sql-add-autoincrement \
		--auto-generate-sql-write-number=200 --engine=InnoDB \
		--create-schema="$1" --no-drop 2>&1) || { echo "$out" | sed 's/^/# /'; return 1; }
	secs=$(echo "$out" | sed -n 's/.*Average number of seconds to run all queries: \([0-9.]*\).*/\1/p')
	echo "$queries $secs" | awk '{ if ($2 > 0) printf "%d", $1 / $2; else print "?" }'
}

echo "TAP version 13"
if ! command -v mariadbd >/dev/null; then
	skip_all "no mariadbd in this guest"
fi
if [ ! -d /mnt/ext4 ]; then
	skip_all "no ext4 file system on the NVMe disk"
fi
echo "1..16"
rm -rf $DATA
echo "# $(mariadbd --version)"
# shellcheck disable=SC2086
check "mariadb-install-db creates a datadir on ext4" \
	mariadb-install-db --no-defaults --user=root --datadir=$DATA \
	--auth-root-authentication-method=normal --skip-test-db $INNODB

if ! start_server; then
	not_ok "mariadbd starts"
	echo "Bail out! the rest needs a running server"
	exit 1
fi
ok "mariadbd starts"
if grep -q 'InnoDB: Using io_uring' $LOG; then
	ok "InnoDB says it uses io_uring"
else
	not_ok "InnoDB says it uses io_uring"
	grep InnoDB $LOG | sed 's/^/# /'
fi
before=$(ring_cqes)

# rounds 1 and 2: load, then a clean shutdown and restart
echo "# mariadb-slap: $queries queries, mixed inserts and selects"
SCHEMAS=mysqlslap
if qps=$(slap mysqlslap); then
	ok "mariadb-slap from 4 clients: $qps queries/s"
else
	not_ok "mariadb-slap from 4 clients"
fi
if flush_pages; then
	ok "InnoDB writes its dirty pages back"
else
	not_ok "InnoDB writes its dirty pages back"
fi
after=$(ring_cqes)
if [ -n "$before" ] && [ -n "$after" ] && [ $((after - before)) -gt 0 ]; then
	ok "InnoDB's ring completed $((after - before)) requests under the load"
else
	not_ok "InnoDB's ring completed requests under the load (CqTail '$before' then '$after')"
fi
check "round 2 load" slap round2
SCHEMAS="$SCHEMAS round2"
state=$(tables_state)
echo "# tables: $state"
if stop_server; then ok "clean shutdown"; else not_ok "clean shutdown"; fi
if start_server && [ -n "$state" ] && [ "$(tables_state)" = "$state" ]; then
	ok "after a restart every row is there, checksums equal"
else
	not_ok "after a restart every row is there, checksums equal ('$(tables_state)')"
fi

# round 3: more load, then kill -9 and crash recovery
check "round 3 load" slap round3
SCHEMAS="$SCHEMAS round3"
state=$(tables_state)
echo "# tables: $state"
crash_server
if start_server && [ -n "$state" ] && [ "$(tables_state)" = "$state" ]; then
	ok "after kill -9 and crash recovery every committed row is there"
else
	not_ok "after kill -9 and crash recovery every committed row is there ('$(tables_state)')"
fi
if grep -q 'InnoDB: Using io_uring' $LOG; then
	ok "the recovered server uses io_uring"
else
	not_ok "the recovered server uses io_uring"
fi
if stop_server; then ok "clean shutdown after recovery"; else not_ok "clean shutdown after recovery"; fi

# with io_uring refused, InnoDB falls back, and the data is the same
if echo 2 2>/dev/null >/proc/sys/kernel/io_uring_disabled &&
	[ "$(cat /proc/sys/kernel/io_uring_disabled)" = 2 ]; then
	if start_server && ! grep -q 'InnoDB: Using io_uring' $LOG && [ -z "$(ring_cqes)" ]; then
		ok "with kernel.io_uring_disabled=2 InnoDB falls back"
	else
		not_ok "with kernel.io_uring_disabled=2 InnoDB falls back"
	fi
	grep -i 'io_uring\|native_aio' $LOG | sed 's/^/# /'
	if [ -n "$state" ] && [ "$(tables_state)" = "$state" ]; then
		ok "the fallback server sees the same rows and checksums"
	else
		not_ok "the fallback server sees the same rows and checksums"
	fi
	if stop_server; then ok "clean shutdown of the fallback server"; else not_ok "clean shutdown of the fallback server"; fi
	echo 0 >/proc/sys/kernel/io_uring_disabled
else
	for t in 1 2 3; do ok "# SKIP this kernel has no kernel.io_uring_disabled"; done
fi
rm -rf $DATA
[ $failed -eq 0 ]
