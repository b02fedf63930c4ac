package org.iommufdsim.backend;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.junit.jupiter.api.Test;

/**
 * The trace catalogue is QEMU's {@code backends/trace-events} verbatim (master 2026-02 with the
 * vEVENTQ series), except the two PRQ-series lines, and renders exactly as QEMU's log backend.
 */
class BackendTraceTest {
  /** The {@code # iommufd.c} section of QEMU's file, as read (pre-PRQ). */
  private static final List<String> QEMU_LINES = List.of(
      "iommufd_change_process(int fd, bool ret) \"fd=%d (%d)\"",
      "iommufd_backend_connect(int fd, bool owned, uint32_t users) \"fd=%d owned=%d users=%d\"",
      "iommufd_backend_disconnect(int fd, uint32_t users) \"fd=%d users=%d\"",
      "iommu_backend_set_fd(int fd) \"pre-opened /dev/iommu fd=%d\"",
      "iommufd_backend_map_dma(int iommufd, uint32_t ioas, uint64_t iova, uint64_t size, "
          + "void *vaddr, bool readonly, int ret) \" iommufd=%d ioas=%d iova=0x%\"PRIx64\" "
          + "size=0x%\"PRIx64\" addr=%p readonly=%d (%d)\"",
      "iommufd_backend_map_file_dma(int iommufd, uint32_t ioas, uint64_t iova, uint64_t size, "
          + "int fd, unsigned long start, bool readonly, int ret) \" iommufd=%d ioas=%d "
          + "iova=0x%\"PRIx64\" size=0x%\"PRIx64\" fd=%d start=%ld readonly=%d (%d)\"",
      "iommufd_backend_unmap_dma_non_exist(int iommufd, uint32_t ioas, uint64_t iova, "
          + "uint64_t size, int ret) \" Unmap nonexistent mapping: iommufd=%d ioas=%d "
          + "iova=0x%\"PRIx64\" size=0x%\"PRIx64\" (%d)\"",
      "iommufd_backend_unmap_dma(int iommufd, uint32_t ioas, uint64_t iova, uint64_t size, "
          + "int ret) \" iommufd=%d ioas=%d iova=0x%\"PRIx64\" size=0x%\"PRIx64\" (%d)\"",
      "iommufd_backend_alloc_ioas(int iommufd, uint32_t ioas) \" iommufd=%d ioas=%d\"",
      "iommufd_backend_alloc_hwpt(int iommufd, uint32_t dev_id, uint32_t pt_id, uint32_t flags, "
          + "uint32_t hwpt_type, uint32_t len, uint64_t data_ptr, uint32_t out_hwpt_id, int ret) "
          + "\" iommufd=%d dev_id=%u pt_id=%u flags=0x%x hwpt_type=%u len=%u "
          + "data_ptr=0x%\"PRIx64\" out_hwpt=%u (%d)\"",
      "iommufd_backend_free_id(int iommufd, uint32_t id, int ret) \" iommufd=%d id=%d (%d)\"",
      "iommufd_backend_set_dirty(int iommufd, uint32_t hwpt_id, bool start, int ret) "
          + "\" iommufd=%d hwpt=%u enable=%d (%d)\"",
      "iommufd_backend_get_dirty_bitmap(int iommufd, uint32_t hwpt_id, uint64_t iova, "
          + "uint64_t size, uint64_t flags, uint64_t page_size, int ret) \" iommufd=%d hwpt=%u "
          + "iova=0x%\"PRIx64\" size=0x%\"PRIx64\" flags=0x%\"PRIx64\" "
          + "page_size=0x%\"PRIx64\" (%d)\"",
      "iommufd_backend_invalidate_cache(int iommufd, uint32_t id, uint32_t data_type, "
          + "uint32_t entry_len, uint32_t entry_num, uint32_t done_num, uint64_t data_ptr, "
          + "int ret) \" iommufd=%d id=%u data_type=%u entry_len=%u entry_num=%u done_num=%u "
          + "data_ptr=0x%\"PRIx64\" (%d)\"",
      "iommufd_backend_alloc_viommu(int iommufd, uint32_t dev_id, uint32_t type, "
          + "uint32_t hwpt_id, uint32_t viommu_id, int ret) \" iommufd=%d type=%u dev_id=%u "
          + "hwpt_id=%u viommu_id=%u (%d)\"",
      "iommufd_backend_alloc_vdev(int iommufd, uint32_t dev_id, uint32_t viommu_id, "
          + "uint64_t virt_id, uint32_t vdev_id, int ret) \" iommufd=%d dev_id=%u viommu_id=%u "
          + "virt_id=0x%\"PRIx64\" vdev_id=%u (%d)\"",
      "iommufd_viommu_alloc_eventq(int iommufd, uint32_t viommu_id, uint32_t type, "
          + "uint32_t veventq_id, uint32_t veventq_fd, int ret) \" iommufd=%d viommu_id=%u "
          + "type=%u veventq_id=%u veventq_fd=%u (%d)\"");

  @Test
  void catalogue_isQemusFileExceptThePrqLines() {
    List<String> ours = BackendTrace.TRACE_EVENTS.lines().toList();
    List<String> prq = List.of("iommufd_backend_alloc_hwpt", "iommufd_backend_alloc_faultq");

    assertThat(ours.stream().filter(l -> prq.stream().noneMatch(p -> l.startsWith(p + "("))))
        .containsExactlyElementsOf(QEMU_LINES.stream()
            .filter(l -> !l.startsWith("iommufd_backend_alloc_hwpt(")).toList());
  }

  @Test
  void prqAllocHwpt_isQemusLineWithFaultIdBeforeOutHwpt() {
    String qemu = QEMU_LINES.stream().filter(l -> l.startsWith("iommufd_backend_alloc_hwpt("))
        .findFirst().orElseThrow();
    String expected = qemu.replace("uint64_t data_ptr, uint32_t out_hwpt_id",
        "uint64_t data_ptr, uint32_t fault_id, uint32_t out_hwpt_id")
        .replace("\" out_hwpt=%u", "\" fault_id=%u out_hwpt=%u");

    assertThat(BackendTrace.EVENTS.get("iommufd_backend_alloc_hwpt").source())
        .isEqualTo(expected);
  }

  @Test
  void everyEvent_rendersAsNameSpaceFormat() {
    assertThat(BackendTrace.EVENTS).hasSize(18);
    for (TraceEvent e : BackendTrace.EVENTS.values()) {
      Object[] zeros = new Object[e.args().size()];
      java.util.Arrays.fill(zeros, 0L);
      assertThat(e.render(zeros)).startsWith(e.name() + " ");
    }
  }

  @Test
  void render_cSemantics() {
    TraceEvent map = BackendTrace.EVENTS.get("iommufd_backend_map_dma");

    assertThat(map.render(3, 0xffffffffL, -1L, 0x1000L, 0L, true, -1)).isEqualTo(
        "iommufd_backend_map_dma  iommufd=3 ioas=-1 iova=0xffffffffffffffff size=0x1000 "
            + "addr=(nil) readonly=1 (-1)");
    assertThat(BackendTrace.EVENTS.get("iommufd_backend_map_file_dma")
        .render(3, 1, 0L, 0L, 5, -1L, false, 0)).contains(" start=-1 ");
  }

  @Test
  void parse_otherQemuDeclarations() {
    TraceEvent ste = TraceEvent.parse("smmuv3_accel_translate_ste(uint32_t vsid, "
        + "uint32_t hwpt_id, uint64_t ste_1, uint64_t ste_0) "
        + "\"vSID=0x%x hwpt_id=0x%x ste=%\"PRIx64\":%\"PRIx64");
    TraceEvent bind = TraceEvent.parse("iommufd_cdev_connect_and_bind(int iommufd, "
        + "const char *name, int devfd, int devid) \" [iommufd=%d] Successfully bound device "
        + "%s (fd=%d): output devid=%d\"");

    assertThat(ste.render(1, 2, 0xabL, 0xcdL))
        .isEqualTo("smmuv3_accel_translate_ste vSID=0x1 hwpt_id=0x2 ste=ab:cd");
    assertThat(bind.render(3, "dev0", 4, 2)).isEqualTo("iommufd_cdev_connect_and_bind  "
        + "[iommufd=3] Successfully bound device dev0 (fd=4): output devid=2");
  }
}
