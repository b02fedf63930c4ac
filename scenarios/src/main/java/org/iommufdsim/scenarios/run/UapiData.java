package org.iommufdsim.scenarios.run;

import java.util.Optional;
import org.iommufdsim.sim.uapi.CStruct;
import org.iommufdsim.sim.uapi.Uapi;

/** The uAPI's type-tagged data structs, looked up by their tag, in one place. */
final class UapiData {
  private UapiData() {}

  /** {@code IOMMU_HWPT_ALLOC}'s user data by {@code data_type}. */
  static Optional<CStruct> hwptData(long dataType) {
    return Uapi.hwptDataStruct(dataType);
  }

  /**
   * {@code IOMMU_HWPT_INVALIDATE}'s entries by {@code data_type}, and by whether {@code hwpt_id}
   * names a vIOMMU (the selftest's nested-HWPT and vIOMMU types share one value).
   */
  static Optional<CStruct> invalidateEntry(long dataType, boolean viommuTarget) {
    return Uapi.invalidateEntryStruct(dataType, viommuTarget);
  }

  /** {@code IOMMU_VIOMMU_ALLOC}'s user data by {@code type}. */
  static Optional<CStruct> viommuData(long type) {
    return Uapi.viommuDataStruct(type);
  }

  /** {@code IOMMU_GET_HW_INFO}'s data by {@code out_data_type}. */
  static Optional<CStruct> hwInfoData(long type) {
    return Uapi.hwInfoDataStruct(type);
  }

  /** A vEVENTQ record's payload by the queue's {@code type}. */
  static Optional<CStruct> veventPayload(long type) {
    return Uapi.veventPayloadStruct(type);
  }

  static CStruct struct(String name) {
    return Uapi.struct(name).orElseThrow(
        () -> new IllegalStateException("the uAPI has no struct " + name));
  }

  static long constant(String name, long fallback) {
    return Uapi.constant(name).map(c -> c.value()).orElse(fallback);
  }
}
