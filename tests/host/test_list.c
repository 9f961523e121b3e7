/* kernel/lib/list.h: order, removal, self-linking and iteration. */
#include <stdbool.h>
#include <stddef.h>
#include "kernel/lib/list.h"
#include "tap.h"

struct item {
	int value;
	struct list_node link;   /* not the first member: list_entry must subtract */
	int tag;
};

static struct item items[8];

static void items_init(void)
{
	for (int i = 0; i < 8; i++) {
		items[i].value = i;
		items[i].tag = 100 + i;
		list_init(&items[i].link);
	}
}

/* head, emptied, then holding items[0..n-1] (fresh) in order. */
static void list_of_items(struct list_node *head, int n)
{
	list_init(head);
	items_init();
	for (int i = 0; i < n; i++)
		list_push_back(head, &items[i].link);
}

/* The values along the list, forwards, must be exactly want[0..n-1], and the
 * prev links must mirror the next links. */
static bool list_is(struct list_node *head, const int *want, int n)
{
	int i = 0;
	struct list_node *pos;
	list_for_each(pos, head) {
		if (i >= n || list_entry(pos, struct item, link)->value != want[i])
			return false;
		if (pos->next->prev != pos || pos->prev->next != pos)
			return false;
		i++;
	}
	return i == n && head->next->prev == head && head->prev->next == head;
}

static void test_empty(void)
{
	struct list_node head;
	list_init(&head);
	TAP_OK(list_empty(&head), "a new list is empty");
	TAP_OK(list_front(&head) == NULL, "list_front of an empty list is NULL");
	TAP_OK(list_pop_front(&head) == NULL, "list_pop_front of an empty list is NULL");
	TAP_OK(list_empty(&head), "popping an empty list leaves it empty");
	items_init();
	TAP_OK(!list_linked(&items[0].link), "a new node is not linked");
}

static void test_order(void)
{
	struct list_node head;
	list_init(&head);
	items_init();
	list_push_back(&head, &items[1].link);
	list_push_back(&head, &items[2].link);
	list_push_front(&head, &items[0].link);
	list_push_back(&head, &items[3].link);
	TAP_OK(list_is(&head, (int[]){ 0, 1, 2, 3 }, 4), "push_back appends, push_front prepends");
	TAP_OK(!list_empty(&head) && list_linked(&items[2].link), "pushed nodes are linked");
	TAP_OK(list_front(&head) == &items[0].link && list_is(&head, (int[]){ 0, 1, 2, 3 }, 4),
	       "list_front returns the first without removing it");
	bool fifo = true;
	for (int i = 0; i < 4; i++) {
		struct list_node *n = list_pop_front(&head);
		fifo &= n == &items[i].link && !list_linked(n);
	}
	TAP_OK(fifo, "pop_front returns push_back order and unlinks");
	TAP_OK(list_empty(&head) && list_pop_front(&head) == NULL, "empty again after popping all");
}

static void test_remove(void)
{
	struct list_node head;
	list_of_items(&head, 5);
	list_remove(&items[2].link);
	TAP_OK(list_is(&head, (int[]){ 0, 1, 3, 4 }, 4), "remove from the middle");
	TAP_OK(!list_linked(&items[2].link), "a removed node is self-linked");
	list_remove(&items[2].link);
	TAP_OK(list_is(&head, (int[]){ 0, 1, 3, 4 }, 4), "removing an unlinked node is harmless");
	list_remove(&items[0].link);
	list_remove(&items[4].link);
	TAP_OK(list_is(&head, (int[]){ 1, 3 }, 2), "remove the first and the last");
	list_remove(&items[1].link);
	list_remove(&items[3].link);
	TAP_OK(list_empty(&head), "removing every node empties the list");

	struct list_node other;
	list_init(&other);
	list_push_back(&other, &items[2].link);
	TAP_OK(list_is(&other, (int[]){ 2 }, 1) && list_linked(&items[2].link),
	       "a removed node can join another list");
}

static void test_iteration(void)
{
	struct list_node head;
	list_of_items(&head, 8);

	int sum = 0, count = 0;
	struct list_node *pos, *tmp;
	list_for_each(pos, &head) {
		struct item *it = list_entry(pos, struct item, link);
		sum += it->value;
		count += it->tag == 100 + it->value;
	}
	TAP_OK(sum == 28 && count == 8, "list_for_each visits all; list_entry finds the container");

	list_for_each_safe(pos, tmp, &head) {
		if (list_entry(pos, struct item, link)->value % 2)
			list_remove(pos);
	}
	TAP_OK(list_is(&head, (int[]){ 0, 2, 4, 6 }, 4), "list_for_each_safe may remove the current node");

	list_for_each_safe(pos, tmp, &head)
		list_remove(pos);
	TAP_OK(list_empty(&head), "list_for_each_safe can drain the list");

	count = 0;
	list_for_each(pos, &head)
		count++;
	TAP_OK(count == 0, "list_for_each over an empty list runs no iteration");
}

int main(void)
{
	test_empty();
	test_order();
	test_remove();
	test_iteration();
	return tap_finish();
}
