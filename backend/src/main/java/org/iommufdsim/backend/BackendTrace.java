package org.iommufdsim.backend;

import com.google.common.collect.ImmutableMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.iommufdsim.backend.qemu.TraceEvent;
import org.iommufdsim.backend.qemu.TraceLog;

/**
 * The trace points of {@code backends/iommufd.c}: the {@code # iommufd.c} section of QEMU's
 * {@code backends/trace-events}, kept verbatim in {@link #TRACE_EVENTS} and rendered exactly
 * as QEMU's {@code log} trace backend prints them. Each {@code trace_NAME(...)} of the
 * generated {@code trace.h} is a method {@code traceNAME} (lowerCamelCase) with the declared
 * argument types.
 *
 * <p>Source: QEMU master of 2026-02 with the SMMUv3 vEVENTQ series, plus the PRQ series
 * ("intel_iommu: Enable PRQ support for passthrough device", patches 1 and 2):
 * {@code iommufd_backend_alloc_hwpt} gains {@code fault_id}, and
 * {@code iommufd_backend_alloc_faultq} is new. The PRQ patch text could not be read; those two
 * lines are inferred from the series' description and follow the neighbouring declarations
 * (see the README's list of departures).
 */
public final class BackendTrace {
  /** The declarations, one per line, as in {@code backends/trace-events}. */
  public static final String TRACE_EVENTS = """
      iommufd_change_process(int fd, bool ret) "fd=%d (%d)"
      iommufd_backend_connect(int fd, bool owned, uint32_t users) "fd=%d owned=%d users=%d"
      iommufd_backend_disconnect(int fd, uint32_t users) "fd=%d users=%d"
      iommu_backend_set_fd(int fd) "pre-opened /dev/iommu fd=%d"
      iommufd_backend_map_dma(int iommufd, uint32_t ioas, uint64_t iova, uint64_t size, void *vaddr, bool readonly, int ret) " iommufd=%d ioas=%d iova=0x%"PRIx64" size=0x%"PRIx64" addr=%p readonly=%d (%d)"
      iommufd_backend_map_file_dma(int iommufd, uint32_t ioas, uint64_t iova, uint64_t size, int fd, unsigned long start, bool readonly, int ret) " iommufd=%d ioas=%d iova=0x%"PRIx64" size=0x%"PRIx64" fd=%d start=%ld readonly=%d (%d)"
      iommufd_backend_unmap_dma_non_exist(int iommufd, uint32_t ioas, uint64_t iova, uint64_t size, int ret) " Unmap nonexistent mapping: iommufd=%d ioas=%d iova=0x%"PRIx64" size=0x%"PRIx64" (%d)"
      iommufd_backend_unmap_dma(int iommufd, uint32_t ioas, uint64_t iova, uint64_t size, int ret) " iommufd=%d ioas=%d iova=0x%"PRIx64" size=0x%"PRIx64" (%d)"
      iommufd_backend_alloc_ioas(int iommufd, uint32_t ioas) " iommufd=%d ioas=%d"
      iommufd_backend_alloc_hwpt(int iommufd, uint32_t dev_id, uint32_t pt_id, uint32_t flags, uint32_t hwpt_type, uint32_t len, uint64_t data_ptr, uint32_t fault_id, uint32_t out_hwpt_id, int ret) " iommufd=%d dev_id=%u pt_id=%u flags=0x%x hwpt_type=%u len=%u data_ptr=0x%"PRIx64" fault_id=%u out_hwpt=%u (%d)"
      iommufd_backend_free_id(int iommufd, uint32_t id, int ret) " iommufd=%d id=%d (%d)"
      iommufd_backend_set_dirty(int iommufd, uint32_t hwpt_id, bool start, int ret) " iommufd=%d hwpt=%u enable=%d (%d)"
      iommufd_backend_get_dirty_bitmap(int iommufd, uint32_t hwpt_id, uint64_t iova, uint64_t size, uint64_t flags, uint64_t page_size, int ret) " iommufd=%d hwpt=%u iova=0x%"PRIx64" size=0x%"PRIx64" flags=0x%"PRIx64" page_size=0x%"PRIx64" (%d)"
      iommufd_backend_invalidate_cache(int iommufd, uint32_t id, uint32_t data_type, uint32_t entry_len, uint32_t entry_num, uint32_t done_num, uint64_t data_ptr, int ret) " iommufd=%d id=%u data_type=%u entry_len=%u entry_num=%u done_num=%u data_ptr=0x%"PRIx64" (%d)"
      iommufd_backend_alloc_viommu(int iommufd, uint32_t dev_id, uint32_t type, uint32_t hwpt_id, uint32_t viommu_id, int ret) " iommufd=%d type=%u dev_id=%u hwpt_id=%u viommu_id=%u (%d)"
      iommufd_backend_alloc_vdev(int iommufd, uint32_t dev_id, uint32_t viommu_id, uint64_t virt_id, uint32_t vdev_id, int ret) " iommufd=%d dev_id=%u viommu_id=%u virt_id=0x%"PRIx64" vdev_id=%u (%d)"
      iommufd_viommu_alloc_eventq(int iommufd, uint32_t viommu_id, uint32_t type, uint32_t veventq_id, uint32_t veventq_fd, int ret) " iommufd=%d viommu_id=%u type=%u veventq_id=%u veventq_fd=%u (%d)"
      iommufd_backend_alloc_faultq(int iommufd, uint32_t fault_id, int fault_fd, int ret) " iommufd=%d fault_id=%u fault_fd=%d (%d)"
      """;

  /** The parsed declarations, by name, in file order. */
  public static final ImmutableMap<String, TraceEvent> EVENTS = parse(TRACE_EVENTS);

  private final TraceLog log;

  public BackendTrace(TraceLog log) {
    this.log = Objects.requireNonNull(log);
  }

  private static ImmutableMap<String, TraceEvent> parse(String text) {
    Map<String, TraceEvent> m = new LinkedHashMap<>();
    text.lines().filter(l -> !l.isBlank()).map(TraceEvent::parse)
        .forEach(e -> m.put(e.name(), e));
    return ImmutableMap.copyOf(m);
  }

  private void emit(String name, Object... args) {
    log.log(EVENTS.get(name).render(args));
  }

  public void traceIommufdChangeProcess(int fd, boolean ret) {
    emit("iommufd_change_process", fd, ret);
  }

  public void traceIommufdBackendConnect(int fd, boolean owned, int users) {
    emit("iommufd_backend_connect", fd, owned, users);
  }

  public void traceIommufdBackendDisconnect(int fd, int users) {
    emit("iommufd_backend_disconnect", fd, users);
  }

  public void traceIommuBackendSetFd(int fd) {
    emit("iommu_backend_set_fd", fd);
  }

  public void traceIommufdBackendMapDma(int iommufd, int ioas, long iova, long size, long vaddr,
      boolean readonly, int ret) {
    emit("iommufd_backend_map_dma", iommufd, ioas, iova, size, vaddr, readonly, ret);
  }

  public void traceIommufdBackendMapFileDma(int iommufd, int ioas, long iova, long size, int fd,
      long start, boolean readonly, int ret) {
    emit("iommufd_backend_map_file_dma", iommufd, ioas, iova, size, fd, start, readonly, ret);
  }

  public void traceIommufdBackendUnmapDmaNonExist(int iommufd, int ioas, long iova, long size,
      int ret) {
    emit("iommufd_backend_unmap_dma_non_exist", iommufd, ioas, iova, size, ret);
  }

  public void traceIommufdBackendUnmapDma(int iommufd, int ioas, long iova, long size, int ret) {
    emit("iommufd_backend_unmap_dma", iommufd, ioas, iova, size, ret);
  }

  public void traceIommufdBackendAllocIoas(int iommufd, int ioas) {
    emit("iommufd_backend_alloc_ioas", iommufd, ioas);
  }

  public void traceIommufdBackendAllocHwpt(int iommufd, int devId, int ptId, int flags,
      int hwptType, int len, long dataPtr, int faultId, int outHwptId, int ret) {
    emit("iommufd_backend_alloc_hwpt", iommufd, devId, ptId, flags, hwptType, len, dataPtr,
        faultId, outHwptId, ret);
  }

  public void traceIommufdBackendFreeId(int iommufd, int id, int ret) {
    emit("iommufd_backend_free_id", iommufd, id, ret);
  }

  public void traceIommufdBackendSetDirty(int iommufd, int hwptId, boolean start, int ret) {
    emit("iommufd_backend_set_dirty", iommufd, hwptId, start, ret);
  }

  public void traceIommufdBackendGetDirtyBitmap(int iommufd, int hwptId, long iova, long size,
      long flags, long pageSize, int ret) {
    emit("iommufd_backend_get_dirty_bitmap", iommufd, hwptId, iova, size, flags, pageSize, ret);
  }

  public void traceIommufdBackendInvalidateCache(int iommufd, int id, int dataType,
      int entryLen, int entryNum, int doneNum, long dataPtr, int ret) {
    emit("iommufd_backend_invalidate_cache", iommufd, id, dataType, entryLen, entryNum, doneNum,
        dataPtr, ret);
  }

  public void traceIommufdBackendAllocViommu(int iommufd, int devId, int type, int hwptId,
      int viommuId, int ret) {
    emit("iommufd_backend_alloc_viommu", iommufd, devId, type, hwptId, viommuId, ret);
  }

  public void traceIommufdBackendAllocVdev(int iommufd, int devId, int viommuId, long virtId,
      int vdevId, int ret) {
    emit("iommufd_backend_alloc_vdev", iommufd, devId, viommuId, virtId, vdevId, ret);
  }

  public void traceIommufdViommuAllocEventq(int iommufd, int viommuId, int type, int veventqId,
      int veventqFd, int ret) {
    emit("iommufd_viommu_alloc_eventq", iommufd, viommuId, type, veventqId, veventqFd, ret);
  }

  public void traceIommufdBackendAllocFaultq(int iommufd, int faultId, int faultFd, int ret) {
    emit("iommufd_backend_alloc_faultq", iommufd, faultId, faultFd, ret);
  }
}
