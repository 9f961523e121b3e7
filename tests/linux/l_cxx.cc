// C++ threads: std::thread, std::async / std::future, std::mutex with
// std::condition_variable, thread_local objects whose constructors and
// destructors run once per thread, std::atomic counters, and exceptions
// carried from one thread to another (std::async, std::promise,
// std::exception_ptr).
#include "ltap.h"
#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <queue>
#include <stdexcept>
#include <thread>
#include <vector>

static std::atomic<int> constructed{0}, destroyed{0};

struct PerThread {
	long value = 5;
	PerThread() { constructed++; }
	~PerThread() { destroyed++; }
};

static thread_local PerThread per_thread;

static void test_threads_atomics()
{
	std::atomic<long> counter{0};
	long plain = 0;
	std::mutex m;
	std::vector<std::thread> ts;
	for (int i = 0; i < 4; i++)
		ts.emplace_back([&] {
			for (int k = 0; k < 5000; k++) {
				counter.fetch_add(1, std::memory_order_relaxed);
				std::lock_guard<std::mutex> g(m);
				plain++;
			}
		});
	for (auto &t : ts)
		t.join();
	CHECK_EQ(counter.load(), 20000, "std::atomic counter from 4 std::threads is exact");
	CHECK_EQ(plain, 20000, "std::mutex-protected counter is exact");
	check(std::thread::hardware_concurrency() >= 1, "std::thread::hardware_concurrency is at least 1");
}

static void test_thread_local()
{
	int before_c = constructed.load(), before_d = destroyed.load();
	std::vector<std::thread> ts;
	std::atomic<int> private_ok{0};
	for (int i = 0; i < 6; i++)
		ts.emplace_back([&, i] {
			bool fresh = per_thread.value == 5;
			per_thread.value = 100 + i;
			std::this_thread::yield();
			if (fresh && per_thread.value == 100 + i)
				private_ok++;
		});
	for (auto &t : ts)
		t.join();
	CHECK_EQ(private_ok.load(), 6, "each thread's thread_local object is its own");
	CHECK_EQ(constructed.load() - before_c, 6, "thread_local constructor ran once per thread");
	CHECK_EQ(destroyed.load() - before_d, 6, "thread_local destructor ran at each thread's exit");
}

static void test_async_future()
{
	std::vector<std::future<long>> fs;
	for (long i = 1; i <= 8; i++)
		fs.push_back(std::async(std::launch::async, [i] {
			long s = 0;
			for (long k = 1; k <= i * 1000; k++)
				s += k;
			return s;
		}));
	long total = 0;
	for (auto &f : fs)
		total += f.get();
	long want = 0;
	for (long i = 1; i <= 8; i++)
		want += i * 1000 * (i * 1000 + 1) / 2;
	CHECK_EQ(total, want, "std::async results arrive through their futures");
}

static void test_exceptions()
{
	auto thrower = std::async(std::launch::async, []() -> int {
		throw std::runtime_error("from another thread");
	});
	std::string what;
	try {
		thrower.get();
	} catch (const std::runtime_error &e) {
		what = e.what();
	}
	check(what == "from another thread", "an exception thrown in std::async arrives at get()");

	std::promise<int> p;
	std::future<int> f = p.get_future();
	std::thread t([&p] {
		try {
			throw std::logic_error("promise");
		} catch (...) {
			p.set_exception(std::current_exception());
		}
	});
	bool caught = false;
	try {
		f.get();
	} catch (const std::logic_error &e) {
		caught = std::string(e.what()) == "promise";
	}
	t.join();
	check(caught, "std::promise::set_exception carries an exception across threads");

	std::exception_ptr ep;
	std::thread u([&ep] {
		try {
			throw 42;
		} catch (...) {
			ep = std::current_exception();
		}
	});
	u.join();
	int got = 0;
	try {
		std::rethrow_exception(ep);
	} catch (int v) {
		got = v;
	}
	CHECK_EQ(got, 42, "std::exception_ptr rethrown in the joining thread");
}

static void test_condition_variable()
{
	std::mutex m;
	std::condition_variable cv;
	std::queue<int> q;
	bool done = false;
	std::thread producer([&] {
		for (int i = 1; i <= 1000; i++) {
			std::lock_guard<std::mutex> g(m);
			q.push(i);
			cv.notify_one();
		}
		std::lock_guard<std::mutex> g(m);
		done = true;
		cv.notify_one();
	});
	long sum = 0, count = 0;
	bool in_order = true;
	for (;;) {
		std::unique_lock<std::mutex> l(m);
		cv.wait(l, [&] { return !q.empty() || done; });
		while (!q.empty()) {
			in_order &= q.front() == count + 1;
			sum += q.front();
			count++;
			q.pop();
		}
		if (done)
			break;
	}
	producer.join();
	CHECK_EQ(count, 1000, "std::condition_variable: every item arrives");
	CHECK_EQ(sum, 500500, "std::condition_variable: the sum of the items");
	check(in_order, "std::condition_variable: items in order");

	std::unique_lock<std::mutex> l(m);
	auto r = cv.wait_for(l, std::chrono::milliseconds(30));
	check(r == std::cv_status::timeout, "condition_variable::wait_for with no notify times out");
}

int main()
{
	ltap_start();
	test_threads_atomics();
	test_thread_local();
	test_async_future();
	test_exceptions();
	test_condition_variable();
	return ltap_done();
}
