package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.Uapi;
import org.junit.jupiter.api.Test;

/**
 * Thousands of random and malformed system calls (bad numbers, sizes, tails, pointers, IDs,
 * fds, injected faults) never make an exception escape the syscall surface, keep every
 * invariant, and replay to a byte-identical trace.
 */
class RandomSyscallsTest {
  private static final long PAGE = 4096;
  private static final int STEPS = 4000;

  /** One random program, fully determined by its seed. */
  private static final class Program {
    private final SplittableRandom rnd;
    private final Host host = Host.create();
    private final Process p = host.spawn();
    private final List<Integer> fds = new ArrayList<>();
    private final List<Long> buffers = new ArrayList<>();
    private final long scratch;

    Program(long seed) {
      rnd = new SplittableRandom(seed);
      scratch = p.mmap(0, 64 * PAGE, 3, 0x21, -1, 0).value();
      buffers.add(p.mmap(0, 16 * PAGE, 3, 0x21, -1, 0).value());
      fds.add((int) p.open("/dev/iommu").value());
    }

    private long pick(long... choices) {
      return choices[rnd.nextInt(choices.length)];
    }

    private long value(CField f) {
      long buf = buffers.get(rnd.nextInt(buffers.size()));
      long v = switch (rnd.nextInt(12)) {
        case 0 -> 0;
        case 1, 2 -> 1 + rnd.nextInt(6);
        case 3 -> pick(PAGE, 2 * PAGE, 16 * PAGE, 0x800, 1);
        case 4 -> pick(-1L, -2L, -PAGE, Long.MAX_VALUE, 1L << 63);
        case 5 -> buf + pick(0, PAGE, 0x800, 15 * PAGE);
        case 6 -> pick(0x1000000L, 0x7fffffffL, 1L << 31, 1L << 32);
        case 7 -> rnd.nextLong();
        case 8 -> pick(1, 2, 3, 4, 5, 6, 7);
        case 9 -> scratch + 40 * PAGE;
        case 10 -> pick(0, 0, 0);
        default -> rnd.nextInt(0x10000);
      };
      if (f.path().contains("flags")) {
        v = rnd.nextInt(4) == 0 ? rnd.nextLong() : rnd.nextInt(16);
      }
      return v;
    }

    private long request() {
      List<IoctlDef> all = Uapi.ioctls();
      return switch (rnd.nextInt(10)) {
        case 0 -> 0x3B00 | (0x80 + rnd.nextInt(0x30));
        case 1 -> (rnd.nextLong() & 0xffffffffL);
        case 2 -> 0x3B00 | rnd.nextInt(0x80);
        case 3 -> all.get(rnd.nextInt(all.size())).request() | (1L << 30);
        default -> all.get(rnd.nextInt(all.size())).request();
      };
    }

    void ioctl() {
      long req = request();
      CStruct s = Uapi.ioctlByRequest(req).map(IoctlDef::struct).orElse(null);
      int fd = fds.isEmpty() || rnd.nextInt(20) == 0 ? rnd.nextInt(8) : fds.get(rnd.nextInt(fds.size()));
      long arg;
      if (s == null || rnd.nextInt(12) == 0) {
        arg = pick(0, -1L, 1L << 47, scratch + 64 * PAGE - 2, scratch, rnd.nextLong());
      } else {
        byte[] b = s.newBuffer();
        for (CField f : s.fields()) {
          if (rnd.nextInt(3) == 0) {
            f.set(b, value(f));
          }
        }
        long size = switch (rnd.nextInt(6)) {
          case 0 -> s.minSize() - 1 - rnd.nextInt(Math.max(1, s.minSize()));
          case 1 -> s.minSize();
          case 2 -> s.size() + 1 + rnd.nextInt(64);
          case 3 -> rnd.nextInt() & 0xffffffffL;
          default -> s.size();
        };
        if (s.fields().getFirst().path().equals("size") || s.fields().getFirst().path().equals("argsz")) {
          s.fields().getFirst().set(b, size);
        }
        if (s.name().equals("iommu_test_cmd")) {
          s.field("op").set(b, 1 + rnd.nextInt(26));
        }
        arg = scratch + (rnd.nextInt(4) == 0 ? 64 * PAGE - s.size() / 2 : rnd.nextInt(8) * 8L);
        p.memory().store(arg, java.util.Arrays.copyOf(b, (int) Math.min(b.length,
            scratch + 64 * PAGE - arg)));
        long tailAt = arg + s.size();
        if (tailAt + 64 <= scratch + 64 * PAGE) {
          byte[] tail = new byte[64];
          if (rnd.nextBoolean()) {
            tail[rnd.nextInt(64)] = (byte) (1 + rnd.nextInt(255));
          }
          p.memory().store(tailAt, tail);
        }
      }
      noteFd(p.ioctl(fd, req, arg), s);
    }

    private void noteFd(SysResult r, CStruct s) {
      // IDs and fds come back through memory; fds for event queues are picked up by fd scans.
    }

    void step() {
      switch (rnd.nextInt(20)) {
        case 0 -> {
          SysResult r = p.open(rnd.nextInt(4) == 0 ? "/dev/nothing" : "/dev/iommu");
          if (r.isOk()) {
            fds.add((int) r.value());
          }
        }
        case 1 -> {
          if (!fds.isEmpty() && rnd.nextInt(4) == 0) {
            p.close(fds.remove(rnd.nextInt(fds.size())));
          } else {
            p.close(rnd.nextInt(10));
          }
        }
        case 2 -> p.read(rnd.nextInt(8), scratch, pick(0, 8, 40, 80, -1L));
        case 3 -> p.write(rnd.nextInt(8), scratch, pick(0, 8, 16, 7, -1L));
        case 4 -> p.poll(rnd.nextInt(8), (int) pick(1, 4, 5, 0xffff));
        case 5 -> {
          SysResult r = p.mmap(0, pick(PAGE, 3 * PAGE, 1L << 40, 0, -1L), 3,
              (int) pick(0x21, 0x22, 0x1, 0x31, 0), (int) pick(-1, 3, 4), pick(0, PAGE, 1));
          if (r.isOk()) {
            buffers.add(r.value());
          }
        }
        case 6 -> {
          if (buffers.size() > 1) {
            long b = buffers.remove(1 + rnd.nextInt(buffers.size() - 1));
            p.munmap(b, pick(PAGE, 2 * PAGE, 16 * PAGE));
          } else {
            p.munmap(pick(0, 1, scratch + 1), PAGE);
          }
        }
        case 7 -> {
          SysResult r = p.memfdCreate("m", 0);
          if (r.isOk()) {
            p.ftruncate((int) r.value(), pick(0, PAGE, 16 * PAGE, -1L));
          }
        }
        case 8 -> p.failNth(rnd.nextInt(6));
        default -> ioctl();
      }
    }
  }

  @Test
  void randomPrograms_neverThrow_andKeepEveryInvariant() {
    for (long seed = 1; seed <= 3; seed++) {
      Program prog = new Program(seed);
      for (int i = 0; i < STEPS; i++) {
        prog.step();
        List<String> broken = prog.host.checkInvariants();
        assertThat(broken).as("seed %d step %d: %s", seed, i, prog.host.trace().getLast())
            .isEmpty();
      }
      prog.p.exit();
      assertThat(prog.host.checkInvariants()).isEmpty();
      assertThat(prog.host.stateDump()).as("exit tore everything down").doesNotContain("ctx ");
    }
  }

  @Test
  void sameSeedTwice_givesByteIdenticalTraces() {
    Program a = new Program(77);
    Program b = new Program(77);
    for (int i = 0; i < STEPS; i++) {
      a.step();
      b.step();
    }
    a.p.exit();
    b.p.exit();
    assertThat(a.host.trace()).hasSizeGreaterThan(STEPS);
    assertThat(String.join("\n", b.host.trace())).isEqualTo(String.join("\n", a.host.trace()));
  }
}
