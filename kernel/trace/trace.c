/* Trace buffers: one per hart, appended only by that hart with interrupts
 * off, so recording takes no lock. They leave over the UART as framed text
 * lines that a host decoder (tools/trace.py) picks out of the console output:
 *
 *   #TRB harts=N hz=HZ records=R            at trace_start: a session begins
 *   #TR hart seq time type a b check        one record (all hex; check = sum
 *                                           of the other fields mod 2^64)
 *   #TRF hart=H recorded=N dropped=D        after a drain while tracing runs
 *   #TRE hart=H recorded=N dropped=D        at trace_stop: hart H is done
 *   #TRN pid name                           process names, at the end
 *
 * A hart drains its own buffer from the scheduler loop once it is 3/4 full
 * (trace_drain_if_full), so one session may print several #TR runs per hart,
 * interleaved with other harts' runs and console output. seq counts 0, 1,
 * 2... per hart for the whole session, across drains, so the decoder sees
 * lost lines as gaps. recorded (the next seq) and dropped (records that
 * found the buffer full) are running totals for the session: the records
 * dropped since the previous #TRF/#TRE fell between seq recorded-1 and
 * recorded. trace_stop drains what is left and ends each hart with #TRE.
 *
 * Handshake with trace_stop: a hart sets its `recording` flag, fences, then
 * loads `session`; trace_stop clears `session`, fences, then waits for each
 * flag to be 0. Either the hart sees NULL and touches nothing, or trace_stop
 * sees the flag and waits for its release store, after which the records
 * are visible. Buffer fields are reached through the loaded `session`
 * pointer: the address dependency orders those reads after the load (RVWMO
 * keeps it, as Linux's READ_ONCE does), so no acquire fence is needed to
 * see trace_start's writes. */
#include "kernel/trace/trace.h"
#include "kernel/dev/console.h"
#include "kernel/mm/frame.h"
#include "kernel/sched/processor.h"
#include "kernel/sync/spinlock.h"
#include "kernel/proc/process.h"
#include "arch/riscv/arch.h"

struct trace_record {
	unsigned long time;
	unsigned long type;
	unsigned long a, b;
};

/* Its hart writes records/count/dropped while tracing (under `recording`);
 * trace_start and trace_stop write them only while no session is live. */
struct trace_buffer {
	int recording;                  /* 1: its hart is in the buffer */
	struct trace_record *records;
	unsigned long count;            /* records held */
	unsigned long base;             /* seq of records[0] */
	unsigned long dropped;          /* this session, found the buffer full */
} __attribute__((aligned(64)));    /* no false sharing between harts */

#define MAX_RUN_PAGES 255UL
#define BUFFER_PAGES_WANTED \
	((CONFIG_TRACE_RECORDS * sizeof(struct trace_record) + PAGE_SIZE - 1) / PAGE_SIZE)
#define BUFFER_PAGES (BUFFER_PAGES_WANTED < MAX_RUN_PAGES ? BUFFER_PAGES_WANTED : MAX_RUN_PAGES)
#define CAPACITY_FIT (BUFFER_PAGES * PAGE_SIZE / sizeof(struct trace_record))
/* Records one buffer holds: the option, unless one frame run is smaller. */
#define CAPACITY (CAPACITY_FIT < CONFIG_TRACE_RECORDS ? CAPACITY_FIT : CONFIG_TRACE_RECORDS)
/* Drain before full: the last quarter absorbs records made until the hart
 * next reaches its scheduler loop. */
#define DRAIN_MARK (CAPACITY - CAPACITY / 4)

union trace_hints trace_hints;
static struct trace_buffer buffers[CONFIG_MAX_HARTS];
/* buffers while a session records, else NULL. */
static struct trace_buffer *session;

enum trace_state { TRACE_OFF, TRACE_ON, TRACE_BUSY };
/* BUSY: a start or stop is under way outside the lock. */
static enum trace_state state;
static struct spinlock control = SPINLOCK_INIT("trace-control", LOCK_OBJECT);

/* Sets this hart's flag and returns the live buffers, or NULL. */
static inline struct trace_buffer *enter_buffer(unsigned hart)
{
	__atomic_store_n(&buffers[hart].recording, 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);   /* the one full fence */
	return __atomic_load_n(&session, __ATOMIC_RELAXED);
}

static inline void leave_buffer(unsigned hart)
{
	__atomic_store_n(&buffers[hart].recording, 0, __ATOMIC_RELEASE);
}

void trace_record(enum trace_event_type type, unsigned long a, unsigned long b)
{
	unsigned long irq = arch_irq_save();
	unsigned hart = this_processor()->hart;
	struct trace_buffer *live = enter_buffer(hart);
	if (live) {
		struct trace_buffer *buf = &live[hart];
		unsigned long n = buf->count;
		if (n < CAPACITY) {
			buf->records[n] = (struct trace_record){ arch_time(), type, a, b };
			buf->count = n + 1;
		} else {
			buf->dropped++;
		}
	}
	leave_buffer(hart);
	arch_irq_restore(irq);
}

/* " " and v in lowercase hex, no leading zeros: counted first, then written
 * from its last digit back, so no digit is copied twice. */
static char *put_hex(char *p, unsigned long v)
{
	int digits = 1;
	for (unsigned long rest = v >> 4; rest; rest >>= 4)
		digits++;
	*p++ = ' ';
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		p[i] = "0123456789abcdef"[v & 15];
	return p + digits;
}

#define RECORD_LINE_MAX (3 + 7 * 17 + 1)   /* "#TR", 7 x " " + 16 digits, "\n" */

/* One "#TR" line at p, formatted here rather than by kprintf: a full drain
 * prints thousands of them. Returns the end of the line. */
static char *format_record(char *p, unsigned hart, unsigned long seq,
			   const struct trace_record *r)
{
	*p++ = '#', *p++ = 'T', *p++ = 'R';
	unsigned long check = hart + seq + r->time + r->type + r->a + r->b;
	const unsigned long fields[7] = { hart, seq, r->time, r->type, r->a, r->b, check };
	for (int i = 0; i < 7; i++)
		p = put_hex(p, fields[i]);
	*p++ = '\n';
	return p;
}

/* Whole lines, several to a console write: the console lock is taken once
 * per batch, not once per record, and lines never split between writes. */
static void print_records(unsigned hart, unsigned long base,
			  const struct trace_record *records, unsigned long count)
{
	char batch[8 * RECORD_LINE_MAX];   /* 1 KiB of a 12 KiB kernel stack */
	char *p = batch;
	for (unsigned long i = 0; i < count; i++) {
		if (p + RECORD_LINE_MAX > batch + sizeof batch) {
			console_write(batch, (size_t)(p - batch));
			p = batch;
		}
		p = format_record(p, hart, base + i, &records[i]);
	}
	if (p > batch)
		console_write(batch, (size_t)(p - batch));
}

/* For measuring the recording cost alone (docs/trace.md): build with
 * -Dc_args=-DTRACE_DISCARD_WHILE_RUNNING=1 and drains while tracing runs
 * empty the buffer without printing it (the decoder then sees gaps). */
#ifndef TRACE_DISCARD_WHILE_RUNNING
#define TRACE_DISCARD_WHILE_RUNNING 0
#endif

/* Prints the records held and empties the buffer; seq carries on. The
 * caller owns the buffer: its hart under `recording`, or trace_stop. */
static void drain(unsigned hart, struct trace_buffer *buf, bool running)
{
	if (TRACE_DISCARD_WHILE_RUNNING && running) {
		buf->base += buf->count;
		buf->count = 0;
		return;
	}
	if (buf->records) {
		print_records(hart, buf->base, buf->records, buf->count);
		buf->base += buf->count;
		buf->count = 0;
	}
	kprintf("%s hart=%u recorded=%lu dropped=%lu\n", running ? "#TRF" : "#TRE", hart,
		buf->base, buf->dropped);
}

#if CONFIG_TRACE
/* Interrupts stay off for the whole drain, whoever calls: an interrupt on
 * this hart would append records while they print (those written between
 * the print and the reset of count would vanish without being counted as
 * dropped), and its trace_record would clear `recording` under the drain,
 * letting trace_stop free the buffer while it is read. The scheduler loop
 * already runs with interrupts off; irq_save makes it hold for any caller. */
void trace_drain_if_full(void)
{
	if (!__atomic_load_n(&trace_enabled, __ATOMIC_RELAXED))
		return;
	irq_save();
	unsigned hart = this_processor()->hart;
	/* A hint; re-read under the handshake. */
	if (__atomic_load_n(&buffers[hart].count, __ATOMIC_RELAXED) >= DRAIN_MARK) {
		struct trace_buffer *live = enter_buffer(hart);
		/* A buffer that failed to allocate stays "full": drain reports drops. */
		if (live && live[hart].count >= DRAIN_MARK)
			drain(hart, &live[hart], true);
		leave_buffer(hart);
	}
	irq_restore();
}
#endif

/* Claims the control state: true if it was `from`, now BUSY. */
static bool claim(enum trace_state from)
{
	spin_lock(&control);
	bool ok = state == from;
	if (ok)
		state = TRACE_BUSY;
	spin_unlock(&control);
	return ok;
}

static void settle(enum trace_state to)
{
	spin_lock(&control);
	state = to;
	spin_unlock(&control);
}

void trace_start(void)
{
	if (!claim(TRACE_OFF))
		return;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++) {
		struct trace_buffer *buf = &buffers[h];
		buf->records = processors[h].online ? frame_alloc_run(BUFFER_PAGES) : NULL;
		/* No memory: the buffer is full from the start, so every record
		 * is counted as dropped rather than lost silently. */
		buf->count = buf->records ? 0 : CAPACITY;
		buf->base = buf->dropped = 0;
	}
	kprintf("#TRB harts=%u hz=%lu records=%lu\n", processor_count, arch_time_hz,
		(unsigned long)CAPACITY);
	__atomic_store_n(&session, buffers, __ATOMIC_RELEASE);
	__atomic_store_n(&trace_enabled, true, __ATOMIC_RELAXED);
	settle(TRACE_ON);
}

static void print_process_names(void)
{
	spin_lock(&proc_tree_lock);
	struct list_node *pos;
	list_for_each(pos, &all_processes) {
		struct process *p = list_entry(pos, struct process, all_link);
		kprintf("#TRN %d %s\n", p->pid, p->name);
	}
	spin_unlock(&proc_tree_lock);
}

void trace_stop(void)
{
	if (!claim(TRACE_ON))
		return;
	__atomic_store_n(&trace_enabled, false, __ATOMIC_RELAXED);
	__atomic_store_n(&session, NULL, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		while (__atomic_load_n(&buffers[h].recording, __ATOMIC_ACQUIRE))
			arch_relax();
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++) {
		struct trace_buffer *buf = &buffers[h];
		if (!processors[h].online)
			continue;
		drain(h, buf, false);
		if (buf->records)
			frame_free_run(buf->records);
		buf->records = NULL;
	}
	print_process_names();
	settle(TRACE_OFF);
}
