package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.iommufdsim.sim.uapi.Uapi;
import org.junit.jupiter.api.Test;

/**
 * Random but mostly well-formed programs over every device-side ioctl (mock devices, HWPTs of
 * every kind, fault queues and their fds, vIOMMUs, vdevices, vEVENTQs, HW queues, accesses,
 * dirty tracking, PASIDs) keep every invariant, never throw, reach success and failure on each
 * ioctl, and replay to byte-identical traces.
 */
class DeviceFuzzTest {
  private static final long PAGE = 4096;
  private static final int STEPS = 3000;

  private static final class Prog {
    final SplittableRandom rnd;
    final Cprog c;
    final List<Long> ids = new ArrayList<>();
    final List<Long> fds = new ArrayList<>();
    final long buf;
    final Map<String, Integer> outcomes = new TreeMap<>();

    Prog(long seed) {
      rnd = new SplittableRandom(seed);
      c = new Cprog(Host.create(HostConfig.defaults().withDevices(List.of(
          DeviceSpec.of("d0", "mock", Map.of("pasid_bits", "20"))))));
      buf = c.mmap(64 * PAGE);
      if (seed % 2 == 0) {
        setUpNesting();
      }
    }

    /** A valid nesting setup (IOAS, PASID device, parent, vIOMMU, vdevice, queues) to mutate. */
    private void setUpNesting() {
      note("ioas", c.ioctl("IOMMU_IOAS_ALLOC", m()));
      note("map", c.ioctl("IOMMU_IOAS_MAP", m("ioas_id", 1, "user_va", buf, "length", 8 * PAGE,
          "flags", 7, "iova", 0x1000000L)));
      note("mock_domain", c.test("IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS",
          m("id", 1, "mock_domain_flags.dev_flags", 4)));
      note("hwpt_alloc", c.ioctl("IOMMU_HWPT_ALLOC", m("dev_id", 3, "pt_id", 1, "flags", 1)));
      note("viommu", c.ioctl("IOMMU_VIOMMU_ALLOC", m("dev_id", 3, "hwpt_id", 5,
          "type", 0xdeadbeefL)));
      note("vdevice", c.ioctl("IOMMU_VDEVICE_ALLOC", m("viommu_id", 6, "dev_id", 3,
          "virt_id", 0x99)));
      note("veventq", c.ioctl("IOMMU_VEVENTQ_ALLOC", m("viommu_id", 6, "type", 0xbeefbeefL,
          "veventq_depth", 2)));
      note("fault_alloc", c.ioctl("IOMMU_FAULT_QUEUE_ALLOC", m()));
      c.p.memory().store(buf + 56 * PAGE, new byte[] {(byte) 0xef, (byte) 0xbe, (byte) 0xad,
          0x0b, 0, 0, 0, 0});
      note("hwpt_alloc", c.ioctl("IOMMU_HWPT_ALLOC", m("dev_id", 3, "pt_id", 6, "flags", 4,
          "fault_id", 9, "data_type", 0xdead, "data_len", 8, "data_uptr", buf + 56 * PAGE)));
      note("replace", c.test("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE",
          m("id", 2, "mock_domain_replace.pt_id", 10)));
      note("hw_queue", c.ioctl("IOMMU_HW_QUEUE_ALLOC", m("viommu_id", 6, "type", 0xdeadbeefL,
          "index", 0, "nesting_parent_iova", 0x1000000L, "length", PAGE)));
    }

    long id() {
      if (ids.isEmpty() || rnd.nextInt(10) == 0) {
        return rnd.nextInt(12);
      }
      return ids.get(rnd.nextInt(ids.size()));
    }

    long fd() {
      if (fds.isEmpty() || rnd.nextInt(10) == 0) {
        return rnd.nextInt(10);
      }
      return fds.get(rnd.nextInt(fds.size()));
    }

    long pick(long... v) {
      return v[rnd.nextInt(v.length)];
    }

    long iova() {
      return pick(0x1000000L, 0x1000000L + PAGE, 0x1000000L + 8 * PAGE, 0, PAGE, 0x7fffffffL,
          rnd.nextLong());
    }

    void note(String what, Cprog.Call r) {
      outcomes.merge(what + (r.ok() ? " ok" : " " + r.errno()), 1, Integer::sum);
      if (r.ok()) {
        String member = r.struct().name().equals("iommu_test_cmd")
            ? Uapi.testOpByNumber(r.struct().field("op").get(r.after())).orElseThrow()
                .unionMember() + "."
            : "";
        for (var f : r.struct().fields()) {
          String p = f.path();
          if (p.contains(".") && !p.startsWith(member)) {
            continue;
          }
          boolean outId = p.startsWith("out_") || p.endsWith(".out_stdev_id")
              || p.endsWith(".out_hwpt_id") || p.endsWith(".out_idev_id")
              || p.endsWith(".out_access_pages_id");
          if (outId && !p.endsWith("_fd")) {
            long v = f.get(r.after());
            if (v != 0 && !ids.contains(v)) {
              ids.add(v);
            }
          }
          if (p.endsWith("_fd")) {
            long v = f.get(r.after());
            if (v > 2 && !fds.contains(v)) {
              fds.add(v);
            }
          }
        }
      }
    }

    Map<String, Long> m(Object... kv) {
      Map<String, Long> out = new LinkedHashMap<>();
      for (int i = 0; i < kv.length; i += 2) {
        out.put((String) kv[i], ((Number) kv[i + 1]).longValue());
      }
      return out;
    }

    void step() {
      long rw = 6;
      long flags = rnd.nextInt(8) == 0 ? rnd.nextInt(16) : 0;
      switch (rnd.nextInt(30)) {
        case 0, 1 -> note("ioas", c.ioctl("IOMMU_IOAS_ALLOC", m()));
        case 2, 3 -> note("mock_domain", c.test("IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS",
            m("id", id(), "mock_domain_flags.dev_flags", pick(0, 1, 4, 5, 2))));
        case 4 -> note("map", c.ioctl("IOMMU_IOAS_MAP", m("ioas_id", id(), "user_va",
            buf + pick(0, PAGE, 8 * PAGE, 0x800), "length", pick(PAGE, 4 * PAGE, 0x800, 0),
            "flags", pick(rw, rw | 1, 2, 0), "iova", iova())));
        case 5 -> note("unmap", c.ioctl("IOMMU_IOAS_UNMAP", m("ioas_id", id(), "iova", iova(),
            "length", pick(PAGE, 4 * PAGE, -1L))));
        case 6, 7 -> note("hwpt_alloc", c.ioctl("IOMMU_HWPT_ALLOC", m("dev_id", id(), "pt_id",
            id(), "flags", pick(0, 1, 2, 4, 8, 9, 12, 5, rnd.nextInt(32)), "fault_id", id(),
            "data_type", pick(0, 0xdead, 0xdead, 1), "data_len", pick(0, 8, 8, 4, 3),
            "data_uptr", pick(buf, buf, 0))));
        case 8 -> note("fault_alloc", c.ioctl("IOMMU_FAULT_QUEUE_ALLOC", m("flags", flags)));
        case 9, 10 -> note("replace", c.test("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE",
            m("id", id(), "mock_domain_replace.pt_id", id())));
        case 11 -> note("pasid_attach", c.test("IOMMU_TEST_OP_PASID_ATTACH", m("id", id(),
            "pasid_attach.pasid", pick(100, 200, 1024, 1), "pasid_attach.pt_id", id())));
        case 12 -> note("pasid_detach", c.test("IOMMU_TEST_OP_PASID_DETACH", m("id", id(),
            "pasid_detach.pasid", pick(100, 200, 1024))));
        case 13 -> note("iopf", c.test("IOMMU_TEST_OP_TRIGGER_IOPF", m("trigger_iopf.dev_id",
            id(), "trigger_iopf.pasid", pick(0, 1, 100), "trigger_iopf.grpid", rnd.nextInt(4),
            "trigger_iopf.perm", 3, "trigger_iopf.addr", 0xdeadbeafL)));
        case 14, 15 -> {
          long n = pick(40, 80, 0, 7);
          SysResult r = c.p.read((int) fd(), buf + 32 * PAGE, n);
          outcomes.merge("read " + (r.isOk() ? "ok" : r.errno()), 1, Integer::sum);
          if (r.isOk() && r.value() >= 40 && rnd.nextBoolean()) {
            long cookie = c.p.memory().load64(buf + 32 * PAGE + 32) >>> 32;
            byte[] resp = new byte[8];
            for (int i = 0; i < 4; i++) {
              resp[i] = (byte) (cookie >>> (8 * i));
            }
            resp[4] = (byte) pick(0, 1, 2);
            c.p.memory().store(buf + 40 * PAGE, resp);
            SysResult w = c.p.write((int) fd(), buf + 40 * PAGE, pick(8, 8, 4, 16));
            outcomes.merge("write " + (w.isOk() ? "ok" : w.errno()), 1, Integer::sum);
          }
        }
        case 16 -> note("destroy", c.ioctl("IOMMU_DESTROY", m("id", id())));
        case 17 -> {
          if (!fds.isEmpty() && rnd.nextInt(3) == 0) {
            c.p.close(fds.remove(rnd.nextInt(fds.size())).intValue());
          }
        }
        case 18 -> note("viommu", c.ioctl("IOMMU_VIOMMU_ALLOC", m("dev_id", id(), "hwpt_id", id(),
            "type", pick(0xdeadbeefL, 0xdeadbeefL, 1, 0), "data_len", pick(0, 0, 24, 8),
            "data_uptr", buf + 48 * PAGE)));
        case 19 -> note("vdevice", c.ioctl("IOMMU_VDEVICE_ALLOC", m("viommu_id", id(),
            "dev_id", id(), "virt_id", pick(0x99, 0x88, 0))));
        case 20 -> note("veventq", c.ioctl("IOMMU_VEVENTQ_ALLOC", m("viommu_id", id(),
            "type", pick(0xbeefbeefL, 1, 0), "veventq_depth", pick(2, 1, 0))));
        case 21 -> note("vevent", c.test("IOMMU_TEST_OP_TRIGGER_VEVENT",
            m("trigger_vevent.dev_id", id())));
        case 22 -> note("hw_queue", c.ioctl("IOMMU_HW_QUEUE_ALLOC", m("viommu_id", id(),
            "type", pick(0xdeadbeefL, 0), "index", pick(0, 1, 2), "nesting_parent_iova",
            iova(), "length", pick(PAGE, PAGE / 2, 0))));
        case 23 -> note("invalidate", c.ioctl("IOMMU_HWPT_INVALIDATE", m("hwpt_id", id(),
            "data_uptr", buf + 50 * PAGE, "data_type", pick(0xdeadbeefL, 0, 1),
            "entry_len", pick(8, 12, 9, 0), "entry_num", pick(0, 1, 2))));
        case 24 -> note("dirty", c.ioctl("IOMMU_HWPT_SET_DIRTY_TRACKING", m("hwpt_id", id(),
            "flags", pick(0, 1, 1, 2))));
        case 25 -> note("bitmap", c.ioctl("IOMMU_HWPT_GET_DIRTY_BITMAP", m("hwpt_id", id(),
            "iova", 0x1000000L, "length", pick(16 * PAGE, PAGE, 0), "page_size", pick(2048, PAGE, 0),
            "data", buf + 52 * PAGE, "flags", pick(0, 1))));
        case 26 -> note("access", c.test("IOMMU_TEST_OP_CREATE_ACCESS", m("id", id(),
            "create_access.flags", pick(1, 0))));
        case 27 -> note("access_pages", c.test("IOMMU_TEST_OP_ACCESS_PAGES", m("id", fd(),
            "access_pages.iova", iova(), "access_pages.length", pick(PAGE, 4 * PAGE),
            "access_pages.flags", pick(0, 1))));
        case 28 -> note("hw_info", c.ioctl("IOMMU_GET_HW_INFO", m("dev_id", id(),
            "data_len", pick(0, 8, 16), "data_uptr", buf + 54 * PAGE, "flags", flags)));
        default -> {
          SysResult r = c.p.open("/dev/vfio/devices/d0");
          if (r.isOk()) {
            fds.add(r.value());
          }
          long dfd = fd();
          long arg = c.alloc(24);
          c.p.memory().store(arg, new byte[] {24, 0, 0, 0});
          c.p.memory().store64(arg + 8, c.iommufd);
          SysResult b = c.p.ioctl((int) dfd, Uapi.ioctl("VFIO_DEVICE_BIND_IOMMUFD")
              .orElseThrow().request(), arg);
          outcomes.merge("bind " + (b.isOk() ? "ok" : b.errno()), 1, Integer::sum);
          long at = c.alloc(16);
          c.p.memory().store(at, new byte[] {16, 0, 0, 0, (byte) pick(0, 1), 0, 0, 0});
          c.p.memory().store64(at + 8, id() | (pick(0, 100) << 32));
          SysResult a = c.p.ioctl((int) dfd, Uapi.ioctl("VFIO_DEVICE_ATTACH_IOMMUFD_PT")
              .orElseThrow().request(), at);
          outcomes.merge("vfio_attach " + (a.isOk() ? "ok" : a.errno()), 1, Integer::sum);
        }
      }
    }
  }

  @Test
  void randomDevicePrograms_keepEveryInvariant_andCoverSuccessAndFailure() {
    Map<String, Integer> all = new TreeMap<>();
    for (long seed = 1; seed <= 6; seed++) {
      Prog p = new Prog(seed);
      for (int i = 0; i < STEPS; i++) {
        p.step();
        List<String> broken = p.c.host.checkInvariants();
        assertThat(broken).as("seed %d step %d: %s", seed, i, p.c.host.trace().getLast())
            .isEmpty();
      }
      p.c.p.exit();
      assertThat(p.c.host.checkInvariants()).isEmpty();
      assertThat(p.c.host.stateDump()).as("exit tore everything down").doesNotContain("ctx ");
      p.outcomes.forEach((k, v) -> all.merge(k, v, Integer::sum));
    }
    for (String op : List.of("mock_domain", "hwpt_alloc", "fault_alloc", "replace", "iopf",
        "read", "access", "bind", "vfio_attach", "map", "hw_info", "destroy", "unmap")) {
      assertThat(all.keySet()).as("outcomes of %s: %s", op, all)
          .anyMatch(k -> k.equals(op + " ok"))
          .anyMatch(k -> k.startsWith(op + " E"));
    }
    for (String op : List.of("viommu", "vdevice", "veventq", "hw_queue", "vevent")) {
      assertThat(all.keySet()).as("outcomes of %s: %s", op, all)
          .anyMatch(k -> k.equals(op + " ok"));
    }
    for (String op : List.of("viommu", "vdevice", "veventq", "hw_queue", "invalidate", "dirty",
        "bitmap", "pasid_attach", "vevent", "access_pages")) {
      assertThat(all.keySet()).as("outcomes of %s: %s", op, all)
          .anyMatch(k -> k.startsWith(op + " E"));
    }
  }

  @Test
  void sameSeedTwice_givesByteIdenticalTraces() {
    Prog a = new Prog(9);
    Prog b = new Prog(9);
    for (int i = 0; i < STEPS; i++) {
      a.step();
      b.step();
    }
    a.c.p.exit();
    b.c.p.exit();
    assertThat(String.join("\n", b.c.host.trace())).isEqualTo(String.join("\n", a.c.host.trace()));
  }
}
