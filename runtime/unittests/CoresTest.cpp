//===- CoresTest.cpp - core list parsing, reservation across processes ----===//
#include "neuron/runtime/Cores.h"
#include "neuron/runtime/Error.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>
#include <random>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace neuron::rt;

namespace {
std::string errorOf(const std::function<void()> &f) {
  try {
    f();
  } catch (const Error &e) {
    return e.what();
  }
  return "";
}

std::vector<uint32_t> parse(const std::string &s) {
  return parseCoreList(s, "NEURON_RT_VISIBLE_CORES");
}

/// A fresh lock directory per test, so tests never see each other's (or
/// anyone else's) reservations.
std::string tempLockDir() {
  std::string tmpl = ::testing::TempDir() + "/neuron-locks-XXXXXX";
  char *d = ::mkdtemp(tmpl.data());
  EXPECT_NE(d, nullptr);
  return tmpl;
}

CoreConfig config(const std::string &dir, uint32_t hostCores) {
  CoreConfig c;
  c.hostCores = hostCores;
  c.lockDir = dir;
  return c;
}
} // namespace

TEST(CoreListTest, AcceptsIndicesRangesAndLists) {
  EXPECT_EQ(parse("3"), (std::vector<uint32_t>{3}));
  EXPECT_EQ(parse("0"), (std::vector<uint32_t>{0}));
  EXPECT_EQ(parse("0-3"), (std::vector<uint32_t>{0, 1, 2, 3}));
  EXPECT_EQ(parse("2-2"), (std::vector<uint32_t>{2}));
  EXPECT_EQ(parse("0,2-3"), (std::vector<uint32_t>{0, 2, 3}));
  EXPECT_EQ(parse("5,0-1"), (std::vector<uint32_t>{0, 1, 5}));
  EXPECT_EQ(parse("  1,3 "), (std::vector<uint32_t>{1, 3}));
  EXPECT_EQ(parse("007"), (std::vector<uint32_t>{7}));
  EXPECT_EQ(parse("65535"), (std::vector<uint32_t>{65535}));
}

TEST(CoreListTest, RejectsMalformedValuesNamingTheVariable) {
  for (const char *bad : {"", " ", ",", "1,", ",1", "1,,2", "-", "-1", "1-", "3-1", "a",
                          "1a", "1 2", "1, 2", "+1", "0x1", "1--2", "1-2-3", "65536",
                          "0-65536", "99999999999", "1,1", "0-2,2", "1.5"}) {
    std::string e = errorOf([&] { parse(bad); });
    EXPECT_NE(e.find("NEURON_RT_VISIBLE_CORES: malformed value '"), std::string::npos)
        << "'" << bad << "' -> '" << e << "'";
  }
  EXPECT_NE(errorOf([] { parse("3-1"); }).find("reversed range 3-1"), std::string::npos);
  EXPECT_NE(errorOf([] { parse("1,1"); }).find("core 1 listed twice"), std::string::npos);
}

TEST(CoreListTest, CountAcceptsPositiveIntegersOnly) {
  EXPECT_EQ(parseCoreCount("4", "NEURON_RT_NUM_CORES"), 4u);
  EXPECT_EQ(parseCoreCount(" 16 ", "NEURON_RT_NUM_CORES"), 16u);
  for (const char *bad : {"", "0", "-1", "1-2", "x", "4 cores", "99999999999"})
    EXPECT_NE(errorOf([&] { parseCoreCount(bad, "NEURON_RT_NUM_CORES"); })
                  .find("NEURON_RT_NUM_CORES: malformed value"),
              std::string::npos)
        << bad;
}

TEST(CoreListTest, FormatsRanges) {
  EXPECT_EQ(formatCoreList({}), "none");
  EXPECT_EQ(formatCoreList({4}), "4");
  EXPECT_EQ(formatCoreList({0, 1, 2, 5, 7, 8}), "0-2,5,7-8");
  // Formatting then parsing is the identity.
  std::vector<uint32_t> v{0, 2, 3, 4, 9, 11, 12};
  EXPECT_EQ(parse(formatCoreList(v)), v);
}

TEST(CoreListTest, RandomStringsNeverCrash) {
  std::mt19937 rng(7);
  const std::string alphabet = "0123456789-, \t-x,9";
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s(rng() % 16, ' ');
    for (char &c : s)
      c = alphabet[rng() % alphabet.size()];
    if (!s.empty() && rng() % 8 == 0)
      s[rng() % s.size()] = char(rng() % 256); // any byte, NUL included
    try {
      std::vector<uint32_t> r = parse(s);
      ASSERT_FALSE(r.empty()) << s;
      ASSERT_TRUE(std::is_sorted(r.begin(), r.end())) << s;
      ASSERT_TRUE(std::adjacent_find(r.begin(), r.end()) == r.end()) << s;
      ASSERT_LE(r.back(), kMaxCoreIndex);
      // A successful parse round-trips through the formatter.
      ASSERT_EQ(parse(formatCoreList(r)), r);
    } catch (const Error &) {
    }
    try {
      uint32_t n = parseCoreCount(s, "NEURON_RT_NUM_CORES");
      ASSERT_GE(n, 1u);
    } catch (const Error &) {
    }
  }
}

TEST(CoreReservationTest, AllFreeCoresByDefault) {
  std::string dir = tempLockDir();
  auto r = CoreReservation::acquire(config(dir, 16));
  EXPECT_EQ(r->size(), 16u);
  // Logical core i pins to CPU i modulo the allowed CPUs.
  const std::vector<int> &cpus = allowedCpus();
  for (uint32_t i = 0; i < 16; ++i)
    EXPECT_EQ(r->cpuOf(i), cpus[i % cpus.size()]);
  // A second reservation in the same directory finds nothing free.
  EXPECT_EQ(errorOf([&] { CoreReservation::acquire(config(dir, 16)); }),
            "NeuronCore(s) not available - Requested:all Available:none");
  r.reset();
  EXPECT_EQ(CoreReservation::acquire(config(dir, 16))->size(), 16u);
}

TEST(CoreReservationTest, VisibleWinsOverNumAndNumIsContiguous) {
  std::string dir = tempLockDir();
  CoreConfig a = config(dir, 16);
  a.visible = std::vector<uint32_t>{1, 4, 5};
  a.numCores = 8;
  auto ra = CoreReservation::acquire(a);
  EXPECT_EQ(ra->hostCores(), (std::vector<uint32_t>{1, 4, 5}));
  CoreConfig b = config(dir, 16);
  b.numCores = 3;
  auto rb = CoreReservation::acquire(b); // 0 and 2-3 leave no room for 3.
  EXPECT_EQ(rb->hostCores(), (std::vector<uint32_t>{6, 7, 8}));
  b.numCores = 8;
  EXPECT_EQ(errorOf([&] { CoreReservation::acquire(b); }),
            "NeuronCore(s) not available - Requested:8 contiguous Available:0,2-3,9-15");
  CoreConfig c = config(dir, 16);
  c.visible = std::vector<uint32_t>{3, 4};
  EXPECT_EQ(errorOf([&] { CoreReservation::acquire(c); }),
            "NeuronCore(s) not available - Requested:3-4 Available:0,2-3,9-15");
  // The failed attempt released core 3 again.
  c.visible = std::vector<uint32_t>{3};
  EXPECT_EQ(CoreReservation::acquire(c)->hostCores(), (std::vector<uint32_t>{3}));
  c.visible = std::vector<uint32_t>{16};
  EXPECT_NE(errorOf([&] { CoreReservation::acquire(c); })
                .find("NEURON_RT_VISIBLE_CORES: core 16 does not exist (the host offers 16"),
            std::string::npos);
}

TEST(CoreReservationTest, GroupsFollowLoadOrderAndWrap) {
  std::string dir = tempLockDir();
  auto r = CoreReservation::acquire(config(dir, 8));
  EXPECT_EQ(r->nextGroup(2), (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(r->nextGroup(3), (std::vector<uint32_t>{2, 3, 4}));
  EXPECT_EQ(r->nextGroup(2), (std::vector<uint32_t>{5, 6}));
  EXPECT_EQ(r->nextGroup(2), (std::vector<uint32_t>{0, 1})); // 7-8 does not fit
  EXPECT_EQ(r->groupAt(2, 3), (std::vector<uint32_t>{2, 3, 4}));
  EXPECT_NE(errorOf([&] { r->groupAt(6, 3); }).find("does not fit"), std::string::npos);
  EXPECT_EQ(errorOf([&] { r->nextGroup(9); }),
            "NeuronCore(s) not available - Requested:9 Available:8 visible");
}

TEST(CoreReservationTest, EnvironmentIsParsedAndMalformedValuesNamed) {
  ::setenv("NEURON_RT_HOST_CORES", "16", 1);
  ::setenv("NEURON_RT_VISIBLE_CORES", "0,2-3", 1);
  ::setenv("NEURON_RT_NUM_CORES", "2", 1);
  ::setenv("NEURON_RT_LOCK_DIR", "/tmp/somewhere", 1);
  CoreConfig c = CoreConfig::fromEnvironment();
  EXPECT_EQ(c.hostCores, 16u);
  EXPECT_EQ(*c.visible, (std::vector<uint32_t>{0, 2, 3}));
  EXPECT_EQ(*c.numCores, 2u);
  EXPECT_EQ(c.lockDir, "/tmp/somewhere");
  ::setenv("NEURON_RT_NUM_CORES", "two", 1);
  EXPECT_NE(errorOf([] { CoreConfig::fromEnvironment(); }).find("NEURON_RT_NUM_CORES"),
            std::string::npos);
  ::setenv("NEURON_RT_HOST_CORES", "0", 1);
  EXPECT_NE(errorOf([] { CoreConfig::fromEnvironment(); }).find("NEURON_RT_HOST_CORES"),
            std::string::npos);
  for (const char *v : {"NEURON_RT_HOST_CORES", "NEURON_RT_VISIBLE_CORES",
                        "NEURON_RT_NUM_CORES", "NEURON_RT_LOCK_DIR"})
    ::unsetenv(v);
  c = CoreConfig::fromEnvironment();
  EXPECT_EQ(c.hostCores, allowedCpus().size());
  EXPECT_FALSE(c.visible);
  EXPECT_FALSE(c.numCores);
  EXPECT_EQ(c.lockDir, "/tmp/neuron-rt-" + std::to_string(getuid()));
}

namespace {
/// Forks a child that reserves `visible` in `dir`, reports "ready" and then
/// waits for a byte on `go`: 'x' to exit normally, 'c' to crash (SIGKILL
/// itself, so nothing is cleaned up by the process).
pid_t forkHolder(const std::string &dir, std::vector<uint32_t> visible, int &go) {
  int ready[2], cmd[2];
  if (::pipe(ready) != 0 || ::pipe(cmd) != 0)
    return -1;
  pid_t pid = ::fork();
  if (pid == 0) {
    ::close(ready[0]);
    ::close(cmd[1]);
    char status = 'e';
    try {
      CoreConfig c = config(dir, 4);
      c.visible = visible;
      auto r = CoreReservation::acquire(c);
      status = 'r';
      (void)!::write(ready[1], &status, 1);
      char what = 0;
      (void)!::read(cmd[0], &what, 1);
      if (what == 'c')
        ::kill(::getpid(), SIGKILL);
      ::_exit(0);
    } catch (...) {
      (void)!::write(ready[1], &status, 1);
      ::_exit(3);
    }
  }
  ::close(ready[1]);
  ::close(cmd[0]);
  char status = 0;
  EXPECT_EQ(::read(ready[0], &status, 1), 1);
  EXPECT_EQ(status, 'r');
  ::close(ready[0]);
  go = cmd[1];
  return pid;
}
} // namespace

TEST(CoreReservationTest, AnotherProcessHoldsCoresUntilItExits) {
  for (char how : {'x', 'c'}) {
    std::string dir = tempLockDir();
    int go = -1;
    pid_t child = forkHolder(dir, {1, 2}, go);
    ASSERT_GT(child, 0);
    CoreConfig c = config(dir, 4);
    c.visible = std::vector<uint32_t>{0, 1};
    EXPECT_EQ(errorOf([&] { CoreReservation::acquire(c); }),
              "NeuronCore(s) not available - Requested:0-1 Available:0,3");
    CoreConfig n = config(dir, 4);
    n.numCores = 2;
    EXPECT_EQ(errorOf([&] { CoreReservation::acquire(n); }),
              "NeuronCore(s) not available - Requested:2 contiguous Available:0,3");
    CoreConfig all = config(dir, 4);
    EXPECT_EQ(CoreReservation::acquire(all)->hostCores(), (std::vector<uint32_t>{0, 3}));
    // The child exits (or is killed): its cores come back.
    ASSERT_EQ(::write(go, &how, 1), 1);
    ::close(go);
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    if (how == 'c')
      EXPECT_TRUE(WIFSIGNALED(status));
    else
      EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    EXPECT_EQ(CoreReservation::acquire(c)->hostCores(), (std::vector<uint32_t>{0, 1}));
  }
}

TEST(CoreReservationTest, ProbeNamesEachHolderAndIgnoresStaleFiles) {
  std::string dir = tempLockDir();
  int go = -1;
  pid_t child = forkHolder(dir, {1, 2}, go);
  ASSERT_GT(child, 0);
  CoreConfig c = config(dir, 4);
  c.cpus = {7, 9};
  c.visible = std::vector<uint32_t>{0};
  auto mine = CoreReservation::acquire(c);
  std::vector<CoreStatus> st = probeCores(c);
  ASSERT_EQ(st.size(), 4u);
  EXPECT_EQ(st[0].pid, ::getpid()); // another open file of this process conflicts too
  EXPECT_EQ(st[1].pid, child);
  EXPECT_EQ(st[2].pid, child);
  for (uint32_t i = 0; i < 4; ++i) {
    EXPECT_EQ(st[i].hostCore, i);
    EXPECT_EQ(st[i].cpu, i % 2 ? 9 : 7);
    EXPECT_EQ(st[i].held, i < 3) << i;
  }
  EXPECT_NE(st[1].command.find("NeuronRuntimeTests"), std::string::npos) << st[1].command;
  EXPECT_EQ(st[3].pid, 0); // never locked: no file at all
  // The child is killed: its files keep its pid, but nobody holds them.
  char how = 'c';
  ASSERT_EQ(::write(go, &how, 1), 1);
  ::close(go);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  st = probeCores(c);
  EXPECT_TRUE(st[0].held);
  for (uint32_t i = 1; i < 4; ++i) {
    EXPECT_FALSE(st[i].held) << i;
    EXPECT_EQ(st[i].pid, 0) << i;
    EXPECT_EQ(st[i].command, "");
  }
}
