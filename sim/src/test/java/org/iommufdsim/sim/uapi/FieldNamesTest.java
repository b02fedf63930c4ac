package org.iommufdsim.sim.uapi;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.iommufdsim.sim.kernel.trace.CallFormat;
import org.junit.jupiter.api.Test;

/** Fields whose values are printed with the uAPI's names, strace style. */
class FieldNamesTest {
  @Test
  void everyNamedFieldExists_andItsFamilyHasConstants() {
    for (Map.Entry<String, String> e : Uapi.fieldGroups().entrySet()) {
      int dot = e.getKey().indexOf('.');
      String struct = e.getKey().substring(0, dot);
      String path = e.getKey().substring(dot + 1);
      assertThat(Uapi.struct(struct)).as(e.getKey()).isPresent();
      assertThat(Uapi.struct(struct).orElseThrow().find(path)).as(e.getKey()).isPresent();
      assertThat(Uapi.group(e.getValue())).as(e.getValue()).isNotEmpty();
    }
  }

  @Test
  void flagsAreJoinedWithBar_enumsAreNamed_numbersStayNumbers() {
    CStruct alloc = IommufdUapi.iommu_hwpt_alloc;
    // include/uapi/linux/iommufd.h: NEST_PARENT is bit 0, FAULT_ID_VALID bit 2
    assertThat(CallFormat.value(alloc, "flags", 5))
        .isEqualTo("IOMMU_HWPT_ALLOC_NEST_PARENT|IOMMU_HWPT_FAULT_ID_VALID");
    assertThat(CallFormat.value(alloc, "flags", 0)).isEqualTo("0");
    assertThat(CallFormat.value(alloc, "flags", 0x30))
        .as("bits the header does not name stay a number").isEqualTo("0x30");
    assertThat(CallFormat.value(alloc, "data_type", 1)).isEqualTo("IOMMU_HWPT_DATA_VTD_S1");
    assertThat(CallFormat.value(alloc, "data_type", 7)).isEqualTo("0x7");
    assertThat(CallFormat.value(alloc, "dev_id", 3)).isEqualTo("3");
    assertThat(CallFormat.value(alloc, "dev_id", 0x30)).isEqualTo("0x30");
    assertThat(CallFormat.value(IommufdTestUapi.iommu_test_cmd, "op", 15))
        .isEqualTo("IOMMU_TEST_OP_TRIGGER_IOPF");
  }
}
