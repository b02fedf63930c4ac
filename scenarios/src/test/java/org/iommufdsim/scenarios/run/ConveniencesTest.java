package org.iommufdsim.scenarios.run;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.ast.Scenario;
import org.iommufdsim.scenarios.format.Formatter;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.host.UserMemory;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.iommufdsim.sim.uapi.VfioUapi;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The pointed-to data conveniences lay out exactly what a C program would (pointer and length
 * fields filled unless named), and what the kernel writes there, or returns from a fault or
 * vEVENTQ fd, is named in outcomes and printed by the recorder. The kernel here is a stand-in
 * that answers as the test says, so these hold whatever the simulator models yet.
 */
class ConveniencesTest {
  private FakeKernel k;
  private Machine m;

  @BeforeEach
  void start() {
    k = new FakeKernel();
    m = new Machine(k, new Env(k.pageSize()));
    m.scratch.start();
    m.env.bind(Env.IOMMUFD, k.open("/dev/iommu").value());
  }

  private List<StepRun> run(String text) {
    return Scn.parse(text).steps().stream().map(st -> Runner.step(m, st)).toList();
  }

  private StepRun runOk(String text) {
    List<StepRun> runs = run(text);
    runs.forEach(r -> assertThat(r.mismatches()).as(r.step().toString()).isEmpty());
    return runs.getLast();
  }

  private static String recorded(String text, List<StepRun> runs) {
    Scenario s = Scn.parse(text);
    return Formatter.format(Recorder.record(s, runs));
  }

  /** The struct the last ioctl passed, as laid out in user memory. */
  private byte[] lastStruct(CStruct s) {
    return k.memory().load(k.last("ioctl").arg(), s.size());
  }

  @Test
  void hwptAllocData_isPlacedAndItsPointerAndLengthFilled() {
    k.ioctl = (mem, fd, req, arg, count) -> {
      writeField(mem, arg, IommufdUapi.iommu_hwpt_alloc, "out_hwpt_id", 7);
      return SysResult.ok();
    };
    runOk("IOMMU_HWPT_ALLOC dev_id=1 pt_id=2 data_type=IOMMU_HWPT_DATA_SELFTEST \\\n"
        + "    data={iotlb=IOMMU_TEST_IOTLB_DEFAULT} -> ok out_hwpt_id=7\n");
    CStruct s = IommufdUapi.iommu_hwpt_alloc;
    byte[] b = lastStruct(s);
    assertThat(s.field("size").get(b)).isEqualTo(s.size());
    assertThat(s.field("data_len").get(b)).isEqualTo(IommufdTestUapi.iommu_hwpt_selftest.size());
    long data = s.field("data_uptr").get(b);
    assertThat(data).isNotZero();
    assertThat(k.memory().load64(data)).isEqualTo(IommufdTestUapi.IOMMU_TEST_IOTLB_DEFAULT);
  }

  @Test
  void namedLengthOrPointer_isLeftAsTheStepGaveIt() {
    runOk("IOMMU_HWPT_ALLOC data_type=IOMMU_HWPT_DATA_SELFTEST data={iotlb=1} data_len=3\n");
    CStruct s = IommufdUapi.iommu_hwpt_alloc;
    assertThat(s.field("data_len").get(lastStruct(s))).isEqualTo(3);
    assertThat(s.field("data_uptr").get(lastStruct(s))).isNotZero();
    runOk("IOMMU_HWPT_ALLOC data_type=IOMMU_HWPT_DATA_SELFTEST data={iotlb=1} data_uptr=0\n");
    assertThat(s.field("data_uptr").get(lastStruct(s))).isZero();
    assertThat(s.field("data_len").get(lastStruct(s))).isEqualTo(8);
  }

  @Test
  void invalidateEntries_areLaidOutBackToBackAndCounted() {
    k.ioctl = (mem, fd, req, arg, count) -> {
      writeField(mem, arg, IommufdUapi.iommu_hwpt_invalidate, "entry_num", 1);
      return SysResult.err(Errno.EINVAL, "second entry");
    };
    runOk("IOMMU_HWPT_INVALIDATE hwpt_id=5 data_type=IOMMU_HWPT_INVALIDATE_DATA_SELFTEST \\\n"
        + "    data=[{iotlb_id=1} {flags=1 iotlb_id=2}] -> EINVAL entry_num=1\n");
    CStruct s = IommufdUapi.iommu_hwpt_invalidate;
    CStruct e = IommufdTestUapi.iommu_hwpt_invalidate_selftest;
    byte[] b = lastStruct(s);
    assertThat(s.field("entry_len").get(b)).isEqualTo(e.size());
    long entries = s.field("data_uptr").get(b);
    byte[] both = k.memory().load(entries, 2 * e.size());
    assertThat(e.field("iotlb_id").get(both, 0)).isEqualTo(1);
    assertThat(e.field("flags").get(both, e.size())).isEqualTo(1);
    assertThat(e.field("iotlb_id").get(both, e.size())).isEqualTo(2);
  }

  @Test
  void invalidateOfAVIommu_usesTheVIommuEntry() {
    k.ioctl = (mem, fd, req, arg, count) -> {
      if (req == IommufdUapi.IOMMU_VIOMMU_ALLOC.request()) {
        writeField(mem, arg, IommufdUapi.iommu_viommu_alloc, "out_viommu_id", 9);
      }
      return SysResult.ok();
    };
    runOk("IOMMU_VIOMMU_ALLOC type=IOMMU_VIOMMU_TYPE_SELFTEST -> ok out_viommu_id=$v\n"
        + "IOMMU_HWPT_INVALIDATE hwpt_id=$v data_type=IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST \\\n"
        + "    data=[{vdev_id=3 cache_id=1}]\n");
    CStruct s = IommufdUapi.iommu_hwpt_invalidate;
    assertThat(s.field("entry_len").get(lastStruct(s)))
        .isEqualTo(IommufdTestUapi.iommu_viommu_invalidate_selftest.size());
  }

  @Test
  void viommuData_outputsAreNamedAsDataFields() {
    CStruct d = IommufdTestUapi.iommu_viommu_selftest;
    k.ioctl = (mem, fd, req, arg, count) -> {
      long data = IommufdUapi.iommu_viommu_alloc.field("data_uptr").get(
          mem.load(arg, IommufdUapi.iommu_viommu_alloc.size()));
      writeField(mem, data, d, "out_data", 0x1234);
      return SysResult.ok();
    };
    String text = "IOMMU_VIOMMU_ALLOC type=IOMMU_VIOMMU_TYPE_SELFTEST data={in_data=0x1234}\n";
    List<StepRun> runs = run(text);
    assertThat(recorded(text, runs)).contains("out_viommu_id=0 \\\n    data.out_data=0x1234\n");
  }

  @Test
  void hwInfoData_isDecodedByTheTypeTheKernelReports() {
    CStruct s = IommufdUapi.iommu_hw_info;
    k.ioctl = (mem, fd, req, arg, count) -> {
      byte[] b = mem.load(arg, s.size());
      assertThat(s.field("data_len").get(b)).isEqualTo(8);
      long data = s.field("data_uptr").get(b);
      writeField(mem, data, IommufdTestUapi.iommu_test_hw_info, "test_reg", 0xdeadbeefL);
      writeField(mem, arg, s, "out_data_type", IommufdTestUapi.IOMMU_HW_INFO_TYPE_SELFTEST);
      return SysResult.ok();
    };
    String text = "IOMMU_GET_HW_INFO dev_id=1 data_len=8 -> ok data.test_reg=0xdeadbeef\n";
    List<StepRun> runs = run(text);
    assertThat(runs.getFirst().mismatches()).isEmpty();
    assertThat(recorded(text, runs)).contains("out_data_type=0xfeedbeef")
        .contains("data.test_reg=0xdeadbeef").doesNotContain("in_data_type");
  }

  @Test
  void dirtyBitmap_isAZeroedBufferAndChangedWordsAreOutputs() {
    CStruct s = IommufdUapi.iommu_hwpt_get_dirty_bitmap;
    k.ioctl = (mem, fd, req, arg, count) -> {
      long data = s.field("data").get(mem.load(arg, s.size()));
      assertThat(mem.load(data, 16)).containsOnly(0);
      mem.store64(data + 8, 5);
      return SysResult.ok();
    };
    String text = "IOMMU_HWPT_GET_DIRTY_BITMAP hwpt_id=1 bitmap_bytes=16 -> ok bitmap[1]=5\n";
    List<StepRun> runs = run(text);
    assertThat(runs.getFirst().mismatches()).isEmpty();
    assertThat(recorded(text, runs)).contains("-> ok bitmap[1]=5\n").doesNotContain("bitmap[0]");
  }

  @Test
  void faultFdReads_decodePgfaultRecords() {
    CStruct pf = IommufdUapi.iommu_hwpt_pgfault;
    k.ioctl = (mem, fd, req, arg, count) -> {
      writeField(mem, arg, IommufdUapi.iommu_fault_alloc, "out_fault_id", 2);
      writeField(mem, arg, IommufdUapi.iommu_fault_alloc, "out_fault_fd", 5);
      return SysResult.ok();
    };
    k.read = (mem, fd, req, buf, count) -> {
      byte[] two = new byte[2 * pf.size()];
      pf.field("cookie").set(two, 0, 1);
      pf.field("addr").set(two, pf.size(), 0x2000);
      mem.store(buf, two);
      return SysResult.ok(two.length);
    };
    StepRun r = runOk("IOMMU_FAULT_QUEUE_ALLOC -> ok out_fault_id=$fault out_fault_fd=$ffd\n"
        + "$ffd: read count=4*40 -> ok ret=80 [0].cookie=1 [1].addr=0x2000\n");
    assertThat(k.last("read").fd()).isEqualTo(5);
    assertThat(k.last("read").count()).isEqualTo(160);
    assertThat(r.answer().observed().outputs()).extracting(Observation::name)
        .contains("ret", "[0].flags", "[0].cookie", "[1].addr", "[1].cookie");
  }

  @Test
  void veventqReads_decodeHeadersPayloadsAndTheLostMarker() {
    CStruct h = IommufdUapi.iommufd_vevent_header;
    k.ioctl = (mem, fd, req, arg, count) -> {
      writeField(mem, arg, IommufdUapi.iommu_veventq_alloc, "out_veventq_fd", 6);
      return SysResult.ok();
    };
    k.read = (mem, fd, req, buf, count) -> {
      byte[] b = new byte[8 + 4 + 8];
      h.field("sequence").set(b, 0, 3);
      IommufdTestUapi.iommu_viommu_event_selftest.field("virt_id").set(b, 8, 0x55);
      h.field("flags").set(b, 12, IommufdUapi.IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
      h.field("sequence").set(b, 12, 4);
      mem.store(buf, b);
      return SysResult.ok(b.length);
    };
    runOk("IOMMU_VEVENTQ_ALLOC viommu_id=1 type=IOMMU_VEVENTQ_TYPE_SELFTEST veventq_depth=2 \\\n"
        + "    -> ok out_veventq_fd=$q\n"
        + "$q: read count=64 -> ok ret=20 [0].sequence=3 [0].virt_id=0x55 [1].flags=1 \\\n"
        + "    [1].sequence=4\n");
  }

  @Test
  void writeRecords_areLaidOutBackToBack_andCountPadsWithZeroes() {
    CStruct resp = IommufdUapi.iommu_hwpt_page_response;
    k.write = (mem, fd, req, buf, count) -> {
      byte[] b = mem.load(buf, (int) count);
      assertThat(resp.field("cookie").get(b, 0)).isEqualTo(1);
      assertThat(resp.field("code").get(b, 0)).isEqualTo(1);
      assertThat(resp.field("cookie").get(b, resp.size())).isEqualTo(2);
      return SysResult.ok(count);
    };
    runOk("$iommufd: write iommu_hwpt_page_response{cookie=1 code=IOMMUFD_PAGE_RESP_INVALID} \\\n"
        + "    iommu_hwpt_page_response{cookie=2} -> ok ret=16\n");
    runOk("write iommu_hwpt_page_response{cookie=1 code=1} iommu_hwpt_page_response{cookie=2} \\\n"
        + "    count=40 -> ok ret=40\n");
    assertThat(k.memory().load(k.last("write").arg() + 16, 24)).containsOnly(0);
  }

  @Test
  void vfioStruct_getsItsArgszAndTheTargetFd() {
    runOk("$iommufd: VFIO_DEVICE_BIND_IOMMUFD iommufd=$iommufd\n");
    CStruct s = VfioUapi.vfio_device_bind_iommufd;
    assertThat(s.field("argsz").get(lastStruct(s))).isEqualTo(s.size());
    assertThat(s.field("iommufd").get(lastStruct(s))).isEqualTo(3);
    assertThat(k.last("ioctl").fd()).isEqualTo(3);
  }

  @Test
  void integerArgumentIoctl_passesTheValueItself() {
    k.ioctl = (mem, fd, req, arg, count) -> SysResult.ok(arg == 3 ? 1 : 0);
    runOk("VFIO_CHECK_EXTENSION arg=3 -> ok ret=1\n");
    assertThat(k.last("ioctl").arg()).isEqualTo(3);
  }

  @Test
  void structsAreAlwaysInMappedMemory_andNeverReused() {
    runOk("IOMMU_IOAS_ALLOC\nIOMMU_IOAS_ALLOC\n");
    List<FakeKernel.Call> ioctls = k.calls().stream().filter(c -> c.name().equals("ioctl")).toList();
    assertThat(ioctls.get(1).arg()).isGreaterThan(ioctls.get(0).arg());
    assertThat(k.memory().isMapped(ioctls.get(1).arg(), 12)).isTrue();
  }

  @Test
  void failNth_isFollowedOnlyByTheCallItAimsAt() {
    run("fail_nth n=1\nIOMMU_IOAS_ALLOC -> ENOMEM\n");
    List<String> names = k.calls().stream().map(FakeKernel.Call::name).toList();
    assertThat(names.subList(names.size() - 1, names.size())).containsExactly("ioctl");
    assertThat(names.stream().filter("mmap"::equals).count()).isEqualTo(1);
  }

  private static void writeField(UserMemory mem, long addr, CStruct s, String field, long v) {
    byte[] b = mem.load(addr, s.size());
    s.field(field).set(b, v);
    mem.store(addr, b);
  }
}
