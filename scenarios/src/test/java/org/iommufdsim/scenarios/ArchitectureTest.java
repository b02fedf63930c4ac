package org.iommufdsim.scenarios;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The scenario module uses the simulator only through its public surface (the host and uAPI
 * packages, as a program over a real /dev/iommu would), and nothing observable depends on hash
 * order, the clock or randomness. One class is allowed the clock and a fresh seed, and only
 * outside the model: {@code explore}, whose {@code --seconds} bounds a campaign by time, whose
 * progress line prints the time taken, and which draws a fresh first seed when given none (and
 * prints it); every try it runs still depends only on its seed.
 */
class ArchitectureTest {
  private static final JavaClasses CLASSES =
      new ClassFileImporter().importPackages("org.iommufdsim.scenarios");

  @Test
  void scenarios_useTheSimulatorOnlyThroughHostAndUapi() {
    noClasses().that().resideInAPackage("org.iommufdsim.scenarios..")
        .should().dependOnClassesThat(resideInAPackage("org.iommufdsim.sim..")
            .and(not(resideInAnyPackage("org.iommufdsim.sim.host..",
                "org.iommufdsim.sim.uapi.."))))
        .check(CLASSES);
  }

  @Test
  void scenarios_useNoHashOrderedCollectionsClockOrRandomness() {
    noClasses().that().resideInAPackage("org.iommufdsim.scenarios..")
        .and().doNotHaveSimpleName(ArchitectureTest.class.getSimpleName())
        .and().doNotHaveSimpleName("ExploreCommand")
        .should().dependOnClassesThat().belongToAnyOf(HashMap.class, HashSet.class, Random.class)
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .orShould().dependOnClassesThat().belongToAnyOf(java.security.SecureRandom.class)
        .check(CLASSES);
  }
}
