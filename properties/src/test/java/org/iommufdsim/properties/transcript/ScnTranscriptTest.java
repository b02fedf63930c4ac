package org.iommufdsim.properties.transcript;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.iommufdsim.sim.host.DeviceSpec;
import org.iommufdsim.sim.host.HostConfig;
import org.iommufdsim.sim.host.SysResult;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Errno;
import org.iommufdsim.sim.uapi.IoctlDef;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.junit.jupiter.api.Test;

/**
 * The renderer's text for calls made up by hand, against what the scenario format says they
 * must read as (the expected text is written from SCENARIO-FORMAT.md, not taken from output).
 */
class ScnTranscriptTest {
  private static final long HEAP = 0x7f0000100000L;
  private static final long RAM = 0x7f0000200000L;

  private final List<Call> calls = new ArrayList<>();

  @Test
  void fdsAreVariables_outputsFollowOk_errnosReplaceIt() {
    calls.add(new Call.Open("/dev/iommu", SysResult.ok(3)));
    ioctl(3, IommufdUapi.IOMMU_IOAS_ALLOC, b -> { }, a -> a.set("out_ioas_id", 1),
        SysResult.ok());
    ioctl(3, IommufdUapi.IOMMU_DESTROY, b -> b.set("id", 7), a -> { },
        SysResult.err(Errno.ENOENT, "no object 7"));
    calls.add(new Call.Close(3, SysResult.ok()));

    assertThat(render(HostConfig.defaults())).isEqualTo("""
        @title "hand made"

        open "/dev/iommu" -> ok fd=$fd3
        $fd3: IOMMU_IOAS_ALLOC -> ok out_ioas_id=1
        $fd3: IOMMU_DESTROY id=7 -> ENOENT
        $fd3: close
        """);
  }

  @Test
  void directives_pageSizeWhenNotDefault_devicesWithDriverFirst() {
    HostConfig config = HostConfig.defaults().withPageSize(16384).withDevices(List.of(
        DeviceSpec.of("smmu0", "arm_smmuv3", Map.of("pasid_bits", "0", "iommu", "a")),
        DeviceSpec.of("dev1", "mock", Map.of())));

    assertThat(render(config)).isEqualTo("""
        @title "hand made"
        @page_size 16384
        @device smmu0 driver=arm_smmuv3 iommu=a pasid_bits=0
        @device dev1 driver=mock
        """);
  }

  @Test
  void pointersIntoMappingsAreSymbolic_mappingsOnlyHoldingStructsAreLeftOut() {
    calls.add(new Call.Open("/dev/iommu", SysResult.ok(3)));
    calls.add(new Call.Mmap(0, 0x100000, 3, 0x22, -1, 0, SysResult.ok(HEAP)));
    calls.add(new Call.Mmap(0, 0x4000, 3, 0x21, -1, 0, SysResult.ok(RAM)));
    ioctl(3, IommufdUapi.IOMMU_IOAS_MAP, b -> {
      b.set("flags", 6);
      b.set("ioas_id", 1);
      b.set("user_va", RAM + 0x1000);
      b.set("length", 0x1000);
    }, a -> a.set("iova", 0x2000), SysResult.ok());
    ioctl(3, IommufdUapi.IOMMU_IOAS_MAP, b -> {
      b.set("ioas_id", 1);
      b.set("user_va", 0x1234);
      b.set("length", 0x1000);
    }, a -> { }, SysResult.err(Errno.EFAULT, "bad user_va"));
    calls.add(new Call.Munmap(RAM, 0x4000, SysResult.ok()));

    assertThat(render(HostConfig.defaults())).isEqualTo("""
        @title "hand made"

        open "/dev/iommu" -> ok fd=$fd3
        mmap length=0x4000 -> ok addr=$map1
        $fd3: IOMMU_IOAS_MAP flags=6 ioas_id=1 user_va=$map1+0x1000 length=0x1000 -> ok iova=0x2000
        $fd3: IOMMU_IOAS_MAP ioas_id=1 user_va=0x1234 length=0x1000 -> EFAULT
        munmap addr=$map1 length=0x4000
        """);
  }

  @Test
  void testOpsUseTheirOpName_returnedFdsBind_readsAndPollsTargetThem() {
    calls.add(new Call.Open("/dev/iommu", SysResult.ok(3)));
    ioctl(3, IommufdTestUapi.IOMMU_TEST_CMD, b -> {
      b.set("op", IommufdTestUapi.IOMMU_TEST_OP_MOCK_DOMAIN);
      b.set("id", 1);
    }, a -> {
      a.set("mock_domain.out_stdev_id", 2);
      a.set("mock_domain.out_hwpt_id", 3);
      a.set("mock_domain.out_idev_id", 4);
    }, SysResult.ok());
    ioctl(3, IommufdUapi.IOMMU_FAULT_QUEUE_ALLOC, b -> { }, a -> {
      a.set("out_fault_id", 5);
      a.set("out_fault_fd", 4);
    }, SysResult.ok());
    calls.add(new Call.Read(4, HEAP, 64, new byte[0], SysResult.err(Errno.EAGAIN, "empty")));
    calls.add(new Call.Poll(4, 1, SysResult.ok(0)));
    calls.add(new Call.FailNth(2, SysResult.ok()));
    calls.add(new Call.Close(4, SysResult.ok()));

    assertThat(render(HostConfig.defaults())).isEqualTo("""
        @title "hand made"

        open "/dev/iommu" -> ok fd=$fd3
        $fd3: IOMMU_TEST_OP_MOCK_DOMAIN id=1 -> ok out_stdev_id=2 out_hwpt_id=3 out_idev_id=4
        $fd3: IOMMU_FAULT_QUEUE_ALLOC -> ok out_fault_id=5 out_fault_fd=$fd4
        $fd4: read count=64 -> EAGAIN
        $fd4: poll events=1 -> ok revents=0
        fail_nth n=2
        $fd4: close
        """);
  }

  @Test
  void driverDataIsGivenByValue_aBadStructPointerIsARawArgument() {
    calls.add(new Call.Open("/dev/iommu", SysResult.ok(3)));
    CStruct data = IommufdTestUapi.iommu_hwpt_selftest;
    byte[] d = data.newBuffer();
    data.field("iotlb").set(d, 5);
    ioctl(3, IommufdUapi.IOMMU_HWPT_ALLOC, d, b -> {
      b.set("dev_id", 2);
      b.set("pt_id", 3);
      b.set("data_type", IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST);
      b.set("data_len", data.size());
      b.set("data_uptr", HEAP + 0x40);
    }, a -> a.set("out_hwpt_id", 6), SysResult.ok());
    calls.add(new Call.Ioctl(3, IommufdUapi.IOMMU_DESTROY.request(), 0,
        IommufdUapi.IOMMU_DESTROY, new byte[0], new byte[0], new byte[0], false,
        SysResult.err(Errno.EFAULT, "bad pointer")));

    assertThat(render(HostConfig.defaults())).isEqualTo("""
        @title "hand made"

        open "/dev/iommu" -> ok fd=$fd3
        $fd3: IOMMU_HWPT_ALLOC dev_id=2 pt_id=3 data_type=0xdead data={iotlb=5} -> ok out_hwpt_id=6
        $fd3: IOMMU_DESTROY arg=0 -> EFAULT
        """);
  }

  @Test
  void callsWithoutAStepForm_becomeComments() {
    calls.add(new Call.Close(99, SysResult.err(Errno.EBADF, "not open")));
    calls.add(new Call.Fcntl(3, 4, 0x800, SysResult.ok()));

    String text = render(HostConfig.defaults());

    assertThat(text.lines().skip(2)).allSatisfy(l -> assertThat(l).startsWith("# "));
    assertThat(text).contains("# close(99)", "# fcntl(3, 4, 2048)");
  }

  // ---- building calls ----

  /** A struct image being filled in by name. */
  private record Image(CStruct s, byte[] bytes) {
    void set(String field, long value) {
      s.field(field).set(bytes, value);
    }
  }

  private void ioctl(int fd, IoctlDef def, Consumer<Image> before, Consumer<Image> kernel,
      SysResult r) {
    ioctl(fd, def, new byte[0], before, kernel, r);
  }

  /** An ioctl whose struct the caller fills in, and the kernel then changes. */
  private void ioctl(int fd, IoctlDef def, byte[] pointee, Consumer<Image> before,
      Consumer<Image> kernel, SysResult r) {
    CStruct s = def.struct();
    byte[] b = s.newBuffer();
    s.field("size").set(b, s.size());
    before.accept(new Image(s, b));
    byte[] a = b.clone();
    kernel.accept(new Image(s, a));
    calls.add(new Call.Ioctl(fd, def.request(), HEAP, def, b, a, pointee, false, r));
  }

  private String render(HostConfig config) {
    return ScnTranscript.render("hand made", config, calls);
  }
}
