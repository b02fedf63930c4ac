package org.iommufdsim.backend;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ClassFileImporter;
import org.junit.jupiter.api.Test;

/** The backend reaches the simulator only through its syscall surface and uAPI package. */
class SurfaceOnlyTest {
  @Test
  void backendUsesOnlyTheSyscallSurfaceAndUapi() {
    noClasses().that().resideInAPackage("org.iommufdsim.backend..")
        .should().dependOnClassesThat(
            com.tngtech.archunit.base.DescribedPredicate.describe("outside host and uapi",
                c -> c.getPackageName().startsWith("org.iommufdsim.sim")
                    && !c.getPackageName().startsWith("org.iommufdsim.sim.host")
                    && !c.getPackageName().startsWith("org.iommufdsim.sim.uapi")))
        .allowEmptyShould(true)
        .check(new ClassFileImporter().importPackages("org.iommufdsim.backend"));
  }
}
