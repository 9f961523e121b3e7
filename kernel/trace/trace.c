/* Trace buffers: one per hart, appended only by that hart with interrupts
 * off, so recording takes no lock. trace_stop() drains them over the UART as
 * framed text lines that a host decoder can pick out of the console output:
 *
 *   #TRB harts=N hz=HZ records=R
 *   #TR hart seq time type a b check        (all hex; check = sum of fields)
 *   #TRE hart=H recorded=N dropped=D
 *   #TRN pid name                           (process names, at the end)
 *
 * A record that does not parse, or whose check or sequence number does not
 * follow, is counted as corrupt by the decoder, which resynchronises at the
 * next "#TR" line. */
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

struct trace_buffer {
	struct trace_record *records;   /* its hart only while tracing */
	unsigned long count, dropped;
	/* 1 while its hart is inside trace_record: trace_stop waits for 0
	 * before it reads or frees records. */
	int recording;
};

bool trace_enabled;
static struct trace_buffer buffers[CONFIG_MAX_HARTS];
static struct spinlock control = SPINLOCK_INIT("trace-control", LOCK_OBJECT);

#define BUFFER_PAGES ((CONFIG_TRACE_RECORDS * sizeof(struct trace_record) + PAGE_SIZE - 1) / PAGE_SIZE)
#define CHUNK_PAGES 64
#define RECORDS_PER_CHUNK (CHUNK_PAGES * PAGE_SIZE / sizeof(struct trace_record))

void trace_record(enum trace_event_type type, unsigned long a, unsigned long b)
{
	irq_save();
	struct trace_buffer *buf = &buffers[this_processor()->hart];
	/* Announce, then re-check: either trace_stop sees recording == 1 and
	 * waits, or this hart sees trace_enabled == false and leaves. */
	__atomic_store_n(&buf->recording, 1, __ATOMIC_SEQ_CST);
	if (__atomic_load_n(&trace_enabled, __ATOMIC_SEQ_CST)) {
		if (buf->records && buf->count < CONFIG_TRACE_RECORDS)
			buf->records[buf->count++] = (struct trace_record){ arch_time(), type, a, b };
		else
			buf->dropped++;
	}
	__atomic_store_n(&buf->recording, 0, __ATOMIC_RELEASE);
	irq_restore();
}

void trace_start(void)
{
	spin_lock(&control);
	if (!trace_enabled) {
		for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++) {
			buffers[h].count = buffers[h].dropped = 0;
			if (!buffers[h].records && processors[h].online)
				buffers[h].records = frame_alloc_run(BUFFER_PAGES > 255 ? 255 : BUFFER_PAGES);
		}
		__atomic_store_n(&trace_enabled, true, __ATOMIC_RELEASE);
	}
	spin_unlock(&control);
}

static void drain(unsigned hart)
{
	struct trace_buffer *buf = &buffers[hart];
	for (unsigned long i = 0; i < buf->count; i++) {
		struct trace_record *r = &buf->records[i];
		unsigned long check = hart + i + r->time + r->type + r->a + r->b;
		kprintf("#TR %x %lx %lx %lx %lx %lx %lx\n", hart, i, r->time, r->type, r->a, r->b,
			check);
	}
	kprintf("#TRE hart=%u recorded=%lu dropped=%lu\n", hart, buf->count, buf->dropped);
}

void trace_stop(void)
{
	spin_lock(&control);
	bool was = trace_enabled;
	__atomic_store_n(&trace_enabled, false, __ATOMIC_SEQ_CST);
	spin_unlock(&control);
	if (!was)
		return;
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++)
		while (__atomic_load_n(&buffers[h].recording, __ATOMIC_ACQUIRE))
			arch_relax();
	kprintf("#TRB harts=%u hz=%lu records=%d\n", processor_count, arch_time_hz,
		CONFIG_TRACE_RECORDS);
	for (unsigned h = 0; h < CONFIG_MAX_HARTS; h++) {
		if (!buffers[h].records)
			continue;
		drain(h);
		frame_free_run(buffers[h].records);
		buffers[h].records = NULL;
	}
	spin_lock(&proc_tree_lock);
	struct list_node *pos;
	list_for_each(pos, &all_processes) {
		struct process *p = list_entry(pos, struct process, all_link);
		kprintf("#TRN %d %s\n", p->pid, p->name);
	}
	spin_unlock(&proc_tree_lock);
}
