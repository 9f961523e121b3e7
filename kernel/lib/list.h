/* Intrusive circular doubly-linked lists. A list is a head node; elements
 * embed a struct list_node and are found again with list_entry.
 *
 * Invariants: every node, head or element, is always either on exactly one
 * list or self-linked (prev == next == itself). list_init establishes that,
 * so every node must be list_init'ed before first use; list_remove restores
 * it, so list_linked tells whether an element is on some list. An empty list
 * is a self-linked head.
 *
 * No locking: whoever owns the list guards it, and its comment says so. */
#ifndef KERNEL_LIB_LIST_H
#define KERNEL_LIB_LIST_H

#include <stdbool.h>
#include <stddef.h>

struct list_node {
	struct list_node *prev, *next;
};

#define list_entry(node, type, member) \
	((type *)((char *)(node) - offsetof(type, member)))

/* Removing `pos` is not allowed while iterating with list_for_each; use
 * list_for_each_safe, which may remove `pos` (but no other node). */
#define list_for_each(pos, head) \
	for ((pos) = (head)->next; (pos) != (head); (pos) = (pos)->next)

#define list_for_each_safe(pos, tmp, head) \
	for ((pos) = (head)->next, (tmp) = (pos)->next; (pos) != (head); \
	     (pos) = (tmp), (tmp) = (pos)->next)

static inline void list_init(struct list_node *n)
{
	n->prev = n;
	n->next = n;
}

static inline bool list_empty(const struct list_node *head)
{
	return head->next == head;
}

static inline bool list_linked(const struct list_node *n)
{
	return n->next != n;
}

/* n must not be on a list. */
static inline void list_insert_between(struct list_node *n, struct list_node *prev,
				       struct list_node *next)
{
	n->prev = prev;
	n->next = next;
	prev->next = n;
	next->prev = n;
}

static inline void list_push_back(struct list_node *head, struct list_node *n)
{
	list_insert_between(n, head->prev, head);
}

static inline void list_push_front(struct list_node *head, struct list_node *n)
{
	list_insert_between(n, head, head->next);
}

/* Harmless on a node that is on no list. */
static inline void list_remove(struct list_node *n)
{
	n->prev->next = n->next;
	n->next->prev = n->prev;
	list_init(n);
}

/* NULL if the list is empty. */
static inline struct list_node *list_front(const struct list_node *head)
{
	return list_empty(head) ? NULL : head->next;
}

static inline struct list_node *list_pop_front(struct list_node *head)
{
	struct list_node *n = list_front(head);
	if (n)
		list_remove(n);
	return n;
}

#endif
