package org.iommufdsim.scenarios.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Collectors;
import org.iommufdsim.scenarios.Scn;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.sim.host.ObjectGraph;
import org.junit.jupiter.api.Test;

/**
 * The object graph after a step holds exactly the kernel's live objects and the fds on them,
 * with the references the kernel keeps (hwpt_paging->ioas, hwpt_nested->parent, hwpt->fault,
 * the group's per-PASID attachments, viommu->hwpt, vdev->viommu/idev, veventq->viommu), for
 * hand-written scenarios whose expected graphs are worked out from the kernel's rules: IDs are
 * the lowest free, an auto domain dies with its last device, a replaced attachment moves.
 */
class ObjectGraphTest {
  /** One line per group, node and edge: what the test compares. */
  static String dump(ObjectGraph g) {
    StringBuilder sb = new StringBuilder();
    g.groups().forEach(x -> sb.append("group ").append(x.key()).append(' ').append(x.label())
        .append('\n'));
    g.nodes().forEach(n -> sb.append("node ").append(n.key()).append(' ').append(n.kind())
        .append(" \"").append(n.label()).append("\" ")
        .append(n.fields().stream().map(f -> f.name() + "=" + f.value())
            .collect(Collectors.joining(" ", "[", "]"))).append('\n'));
    g.edges().forEach(e -> sb.append("edge ").append(e.from()).append(" -> ").append(e.to())
        .append(' ').append(e.relation()).append(" \"").append(e.label()).append("\"\n"));
    return sb.toString();
  }

  static List<ObjectGraph> graphs(String scn) {
    GraphSnapshots.Run run = GraphSnapshots.afterEachStep(Scn.parse(scn));
    assertThat(run.report()).isInstanceOf(RunReport.Finished.class);
    assertThat(((RunReport.Finished) run.report()).passed()).as("the scenario passes").isTrue();
    return run.graphs();
  }

  static final String NESTING_WITH_FAULT = """
      IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas
      IOMMU_TEST_OP_MOCK_DOMAIN id=$ioas -> ok out_stdev_id=$stdev out_idev_id=$idev
      IOMMU_FAULT_QUEUE_ALLOC -> ok out_fault_id=$fault out_fault_fd=$ffd
      IOMMU_HWPT_ALLOC dev_id=$idev pt_id=$ioas flags=IOMMU_HWPT_ALLOC_NEST_PARENT -> ok \\
          out_hwpt_id=$parent
      IOMMU_HWPT_ALLOC dev_id=$idev pt_id=$parent flags=IOMMU_HWPT_FAULT_ID_VALID fault_id=$fault \\
          data_type=IOMMU_HWPT_DATA_SELFTEST data={iotlb=IOMMU_TEST_IOTLB_DEFAULT} -> ok \\
          out_hwpt_id=$nested
      IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE id=$stdev pt_id=$nested -> ok pt_id=$nested
      IOMMU_TEST_OP_TRIGGER_IOPF dev_id=$idev pasid=0 grpid=2 perm=IOMMU_PGFAULT_PERM_READ addr=0x1000
      $ffd: read count=40 -> ok ret=40
      """;

  @Test
  void mockDomain_deviceIsOnItsAutoDomainOfTheIoas() {
    ObjectGraph g = graphs(NESTING_WITH_FAULT).get(1);
    assertThat(dump(g)).isEqualTo("""
        group p1 process 1
        group c1 iommufd context 1 (/dev/iommu, opened by pid 1)
        node p1.fd3 FD "fd 3" [file=/dev/iommu]
        node c1 CONTEXT "iommufd 1" [file=/dev/iommu opened_by=pid 1]
        node c1.o1 IOAS "IOAS 1" [areas=0 mapped=0x0]
        node c1.o2 SELFTEST "selftest 2" [mock_device=iommufd_mock0]
        node c1.o3 DEVICE "device 3" [name=iommufd_mock0 driver=mock]
        node c1.o4 HWPT_PAGING "HWPT paging 4" [flags=0 auto_domain=yes]
        edge p1.fd3 -> c1 FD_OF "fd of"
        edge c1.o2 -> c1.o3 MOCK_DEVICE "binds"
        edge c1.o3 -> c1.o4 ATTACHED "attached (RID)"
        edge c1.o4 -> c1.o1 AUTO_DOMAIN_OF "auto domain of"
        """);
  }

  @Test
  void nestingWithFaultQueue_replaceFreesTheAutoDomainAndTheNestedHwptReportsFaults() {
    List<ObjectGraph> gs = graphs(NESTING_WITH_FAULT);
    String common = """
        group p1 process 1
        group c1 iommufd context 1 (/dev/iommu, opened by pid 1)
        node p1.fd3 FD "fd 3" [file=/dev/iommu]
        node p1.fd4 FD "fd 4" [file=anon_inode:[iommufd-pgfault]]
        node c1 CONTEXT "iommufd 1" [file=/dev/iommu opened_by=pid 1]
        node c1.o1 IOAS "IOAS 1" [areas=0 mapped=0x0]
        node c1.o2 SELFTEST "selftest 2" [mock_device=iommufd_mock0]
        node c1.o3 DEVICE "device 3" [name=iommufd_mock0 driver=mock]
        """;
    String hwpts = """
        node c1.o6 HWPT_PAGING "HWPT paging 6" [flags=NEST_PARENT]
        node c1.o7 HWPT_NESTED "HWPT nested 7" [flags=FAULT_ID_VALID]
        edge p1.fd3 -> c1 FD_OF "fd of"
        edge p1.fd4 -> c1.o5 FD_OF "fd of"
        edge c1.o2 -> c1.o3 MOCK_DEVICE "binds"
        edge c1.o3 -> c1.o7 ATTACHED "attached (RID)"
        edge c1.o6 -> c1.o1 MAPS_THROUGH "maps through"
        edge c1.o7 -> c1.o6 NESTS_ON "nests on"
        edge c1.o7 -> c1.o5 REPORTS_FAULTS_TO "reports faults to"
        """;
    assertThat(dump(gs.get(5))).isEqualTo(common
        + "node c1.o5 FAULT \"fault queue 5\" [pending=0 awaiting_response=0]\n" + hwpts);
    assertThat(dump(gs.get(6))).isEqualTo(common
        + "node c1.o5 FAULT \"fault queue 5\" [pending=1 awaiting_response=0]\n" + hwpts);
    assertThat(dump(gs.get(7))).isEqualTo(common
        + "node c1.o5 FAULT \"fault queue 5\" [pending=0 awaiting_response=1]\n" + hwpts);
  }

  @Test
  void viommuWithVdeviceAndVeventq_eachReferenceNamed() {
    List<ObjectGraph> gs = graphs("""
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas
        IOMMU_TEST_OP_MOCK_DOMAIN id=$ioas -> ok out_stdev_id=$stdev out_idev_id=$idev
        IOMMU_HWPT_ALLOC dev_id=$idev pt_id=$ioas flags=IOMMU_HWPT_ALLOC_NEST_PARENT -> ok \\
            out_hwpt_id=$parent
        IOMMU_VIOMMU_ALLOC dev_id=$idev hwpt_id=$parent type=IOMMU_VIOMMU_TYPE_SELFTEST -> ok \\
            out_viommu_id=$viommu
        IOMMU_HWPT_ALLOC dev_id=$idev pt_id=$viommu data_type=IOMMU_HWPT_DATA_SELFTEST \\
            data={iotlb=IOMMU_TEST_IOTLB_DEFAULT} -> ok out_hwpt_id=$nested
        IOMMU_VEVENTQ_ALLOC viommu_id=$viommu type=IOMMU_VEVENTQ_TYPE_SELFTEST veventq_depth=2 \\
            -> ok out_veventq_id=$veventq out_veventq_fd=$vfd
        IOMMU_VDEVICE_ALLOC viommu_id=$viommu dev_id=$idev virt_id=0x99 -> ok out_vdevice_id=$vdev
        IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE id=$stdev pt_id=$nested -> ok pt_id=$nested
        IOMMU_TEST_OP_TRIGGER_VEVENT dev_id=$idev
        """);
    assertThat(dump(gs.getLast())).isEqualTo("""
        group p1 process 1
        group c1 iommufd context 1 (/dev/iommu, opened by pid 1)
        node p1.fd3 FD "fd 3" [file=/dev/iommu]
        node p1.fd4 FD "fd 4" [file=anon_inode:[iommufd-viommu-event]]
        node c1 CONTEXT "iommufd 1" [file=/dev/iommu opened_by=pid 1]
        node c1.o1 IOAS "IOAS 1" [areas=0 mapped=0x0]
        node c1.o2 SELFTEST "selftest 2" [mock_device=iommufd_mock0]
        node c1.o3 DEVICE "device 3" [name=iommufd_mock0 driver=mock]
        node c1.o5 HWPT_PAGING "HWPT paging 5" [flags=NEST_PARENT]
        node c1.o6 VIOMMU "vIOMMU 6" [type=IOMMU_VIOMMU_TYPE_SELFTEST iommu=mock_iommu_device]
        node c1.o7 HWPT_NESTED "HWPT nested 7" [flags=0]
        node c1.o8 VEVENTQ "vEVENTQ 8" [type=IOMMU_VEVENTQ_TYPE_SELFTEST depth=2 queued=1]
        node c1.o9 VDEVICE "vDEVICE 9" [virt_id=0x99]
        edge p1.fd3 -> c1 FD_OF "fd of"
        edge p1.fd4 -> c1.o8 FD_OF "fd of"
        edge c1.o2 -> c1.o3 MOCK_DEVICE "binds"
        edge c1.o3 -> c1.o7 ATTACHED "attached (RID)"
        edge c1.o5 -> c1.o1 MAPS_THROUGH "maps through"
        edge c1.o6 -> c1.o5 NESTS_ON "nests on"
        edge c1.o7 -> c1.o5 NESTS_ON "nests on"
        edge c1.o7 -> c1.o6 ALLOCATED_ON "allocated on"
        edge c1.o8 -> c1.o6 QUEUES_EVENTS_OF "queues events of"
        edge c1.o9 -> c1.o6 BELONGS_TO "belongs to"
        edge c1.o9 -> c1.o3 VIRTUALIZES "virtualizes"
        """);
  }

  static final String VFIO_PASIDS = """
      @device vtd0 driver=intel_vtd pasid_bits=20
      mmap length=4*PAGE_SIZE -> ok addr=$buf
      open "/dev/vfio/devices/vtd0" -> ok fd=$dev0
      $dev0: VFIO_DEVICE_BIND_IOMMUFD iommufd=$iommufd -> ok out_devid=$id0
      IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas
      IOMMU_IOAS_MAP ioas_id=$ioas flags=IOMMU_IOAS_MAP_WRITEABLE|IOMMU_IOAS_MAP_READABLE \\
          user_va=$buf length=0x2000 -> ok iova=$iova
      $dev0: VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$ioas -> ok pt_id=$auto
      IOMMU_HWPT_ALLOC dev_id=$id0 pt_id=$ioas \\
          flags=IOMMU_HWPT_ALLOC_NEST_PARENT|IOMMU_HWPT_ALLOC_PASID -> ok out_hwpt_id=$parent
      $dev0: VFIO_DEVICE_ATTACH_IOMMUFD_PT pt_id=$parent -> ok pt_id=$parent
      IOMMU_HWPT_ALLOC dev_id=$id0 pt_id=$parent flags=IOMMU_HWPT_ALLOC_PASID \\
          data_type=IOMMU_HWPT_DATA_VTD_S1 data={addr_width=48} -> ok out_hwpt_id=$s1
      $dev0: VFIO_DEVICE_ATTACH_IOMMUFD_PT flags=VFIO_DEVICE_ATTACH_PASID pasid=7 pt_id=$parent
      $dev0: VFIO_DEVICE_ATTACH_IOMMUFD_PT flags=VFIO_DEVICE_ATTACH_PASID pasid=5 pt_id=$s1
      IOMMU_HWPT_ALLOC dev_id=$id0 pt_id=$ioas flags=IOMMU_HWPT_ALLOC_DIRTY_TRACKING -> ok \\
          out_hwpt_id=$dirty
      IOMMU_HWPT_SET_DIRTY_TRACKING hwpt_id=$dirty flags=IOMMU_HWPT_DIRTY_TRACKING_ENABLE
      """;

  @Test
  void vfioDevice_onAnAutoDomain_itsFdIsTheDevicesFd() {
    ObjectGraph g = graphs(VFIO_PASIDS).get(5);
    assertThat(dump(g)).isEqualTo("""
        group p1 process 1
        group c1 iommufd context 1 (/dev/iommu, opened by pid 1)
        node p1.fd3 FD "fd 3" [file=/dev/iommu]
        node p1.fd4 FD "fd 4" [file=/dev/vfio/devices/vtd0]
        node c1 CONTEXT "iommufd 1" [file=/dev/iommu opened_by=pid 1]
        node c1.o1 DEVICE "device 1" [name=vtd0 driver=intel_vtd]
        node c1.o2 IOAS "IOAS 2" [areas=1 mapped=0x2000]
        node c1.o3 HWPT_PAGING "HWPT paging 3" [flags=0 auto_domain=yes]
        edge p1.fd3 -> c1 FD_OF "fd of"
        edge p1.fd4 -> c1.o1 FD_OF "fd of"
        edge c1.o1 -> c1.o3 ATTACHED "attached (RID)"
        edge c1.o3 -> c1.o2 AUTO_DOMAIN_OF "auto domain of"
        """);
  }

  @Test
  void pasidAttachments_ridFirstThenEachPasidInOrder_andDirtyTrackingShowsOnAndOff() {
    List<ObjectGraph> gs = graphs(VFIO_PASIDS);
    String head = """
        group p1 process 1
        group c1 iommufd context 1 (/dev/iommu, opened by pid 1)
        node p1.fd3 FD "fd 3" [file=/dev/iommu]
        node p1.fd4 FD "fd 4" [file=/dev/vfio/devices/vtd0]
        node c1 CONTEXT "iommufd 1" [file=/dev/iommu opened_by=pid 1]
        node c1.o1 DEVICE "device 1" [name=vtd0 driver=intel_vtd]
        node c1.o2 IOAS "IOAS 2" [areas=1 mapped=0x2000]
        node c1.o3 HWPT_NESTED "HWPT nested 3" [flags=PASID]
        node c1.o4 HWPT_PAGING "HWPT paging 4" [flags=NEST_PARENT|PASID]
        """;
    String edges = """
        edge p1.fd3 -> c1 FD_OF "fd of"
        edge p1.fd4 -> c1.o1 FD_OF "fd of"
        edge c1.o1 -> c1.o4 ATTACHED "attached (RID)"
        edge c1.o1 -> c1.o3 ATTACHED "attached at PASID 5"
        edge c1.o1 -> c1.o4 ATTACHED "attached at PASID 7"
        edge c1.o3 -> c1.o4 NESTS_ON "nests on"
        edge c1.o4 -> c1.o2 MAPS_THROUGH "maps through"
        """;
    assertThat(dump(gs.get(10))).isEqualTo(head + edges);
    String dirty = "node c1.o5 HWPT_PAGING \"HWPT paging 5\" [flags=DIRTY_TRACKING"
        + " dirty_tracking=%s]\n";
    String dirtyEdge = "edge c1.o5 -> c1.o2 MAPS_THROUGH \"maps through\"\n";
    assertThat(dump(gs.get(11))).isEqualTo(head + dirty.formatted("off") + edges + dirtyEdge);
    assertThat(dump(gs.get(12))).isEqualTo(head + dirty.formatted("on") + edges + dirtyEdge);
  }

  @Test
  void closingTheIommufdFd_theContextLivesWhileADeviceFdHoldsIt() {
    List<ObjectGraph> gs = graphs("""
        @device vtd0 driver=intel_vtd
        open "/dev/vfio/devices/vtd0" -> ok fd=$dev0
        $dev0: VFIO_DEVICE_BIND_IOMMUFD iommufd=$iommufd -> ok out_devid=$id0
        $iommufd: close
        $dev0: close
        """);
    assertThat(dump(gs.get(2))).isEqualTo("""
        group p1 process 1
        group c1 iommufd context 1 (/dev/iommu, opened by pid 1)
        node p1.fd4 FD "fd 4" [file=/dev/vfio/devices/vtd0]
        node c1 CONTEXT "iommufd 1" [file=/dev/iommu opened_by=pid 1]
        node c1.o1 DEVICE "device 1" [name=vtd0 driver=intel_vtd]
        edge p1.fd4 -> c1.o1 FD_OF "fd of"
        """);
    assertThat(gs.get(3).nodes()).isEmpty();
    assertThat(gs.get(3).groups()).isEmpty();
  }

  @Test
  void hwQueue_belongsToItsViommu_andPinsThroughAnInternalAccessOfTheParentsIoas()
      throws java.io.IOException {
    java.nio.file.Path f = Scn.moduleDir().resolve("conformance")
        .resolve("iommufd_viommu.hw_queue.mock_viommu.scn");
    // step 16 is the first HW_QUEUE_ALLOC that succeeds (ID 8; its access takes ID 9)
    GraphSnapshots.At at = GraphSnapshots.at(Scn.parse(java.nio.file.Files.readString(f)), 16);
    assertThat(at).isInstanceOf(GraphSnapshots.Taken.class);
    String d = dump(((GraphSnapshots.Taken) at).graph());
    assertThat(d).contains("""
        node c1.o8 HW_QUEUE "HW queue 8" [type=IOMMU_HW_QUEUE_TYPE_SELFTEST index=0 \
        base_addr=0x1000000 length=0x1000]
        node c1.o9 ACCESS "access 9" [user=internal (HW queue) pinned_ranges=1]
        """, """
        edge c1.o6 -> c1.o5 NESTS_ON "nests on"
        edge c1.o7 -> c1.o5 NESTS_ON "nests on"
        edge c1.o7 -> c1.o6 ALLOCATED_ON "allocated on"
        edge c1.o8 -> c1.o6 BELONGS_TO "belongs to"
        edge c1.o8 -> c1.o9 PINS_THROUGH "pins through"
        edge c1.o9 -> c1.o1 ACCESSES "accesses"
        """);
  }

  @Test
  void vfioCompatIoas_isAnEdgeFromTheContext() {
    List<ObjectGraph> gs = graphs("""
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas
        IOMMU_VFIO_IOAS ioas_id=$ioas op=IOMMU_VFIO_IOAS_SET
        """);
    assertThat(dump(gs.getLast())).isEqualTo("""
        group p1 process 1
        group c1 iommufd context 1 (/dev/iommu, opened by pid 1)
        node p1.fd3 FD "fd 3" [file=/dev/iommu]
        node c1 CONTEXT "iommufd 1" [file=/dev/iommu opened_by=pid 1]
        node c1.o1 IOAS "IOAS 1" [areas=0 mapped=0x0]
        edge p1.fd3 -> c1 FD_OF "fd of"
        edge c1 -> c1.o1 COMPAT_IOAS "VFIO compat IOAS"
        """);
  }

  @Test
  void unboundDeviceFd_isANodeWithoutEdges() {
    List<ObjectGraph> gs = graphs("""
        @device vtd0 driver=intel_vtd
        open "/dev/vfio/devices/vtd0" -> ok fd=$dev0
        """);
    assertThat(dump(gs.getFirst())).isEqualTo("""
        group p1 process 1
        node p1.fd3 FD "fd 3" [file=/dev/vfio/devices/vtd0]
        """);
  }
}
