package org.iommufdsim.sim.host;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The check catalogue is complete in form: unique ids, every field filled, errnos fixed. */
class CheckCatalogueTest {
  @Test
  void everyCheck_hasAUniqueIdAFunctionASubjectAndAnExplanation() {
    List<CheckInfo> all = CheckCatalogue.all();
    assertThat(all).extracting(CheckInfo::id).doesNotHaveDuplicates();
    for (CheckInfo c : all) {
      assertThat(c.function()).as(c.id()).isNotBlank();
      assertThat(c.subject()).as(c.id()).isNotBlank();
      assertThat(c.explanation()).as(c.id()).isNotBlank();
      assertThat(c.errno() == null).as(c.id())
          .isEqualTo(c.id().equals("FAIL_NTH") || c.id().startsWith("DRIVER_"));
    }
  }

  @Test
  void byId_findsTheSameEntry() {
    CheckInfo c = CheckCatalogue.byId("DISPATCH_TAIL_ZERO").orElseThrow();
    assertThat(c.function()).isEqualTo("copy_struct_from_user");
    assertThat(c.errno()).isEqualTo(org.iommufdsim.sim.uapi.Errno.E2BIG);
    assertThat(CheckCatalogue.byId("NO_SUCH_CHECK")).isEmpty();
  }
}
