package org.iommufdsim.sim.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The simulator's main code cannot be nondeterministic by construction: no hash-ordered
 * collections, no unseeded randomness, no clock, no threads.
 */
class DeterminismBansTest {
  private static final JavaClasses SIM = new ClassFileImporter()
      .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
      .importPackages("org.iommufdsim.sim");

  @Test
  void noHashOrderedCollections() {
    noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.util.HashMap")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.HashSet")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.IdentityHashMap")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.WeakHashMap")
        .because("iteration over hash order must never be observable")
        .check(SIM);
  }

  @Test
  void noRandomnessClockOrThreads() {
    noClasses().should().dependOnClassesThat().haveFullyQualifiedName("java.util.Random")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.SplittableRandom")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.util.concurrent.ThreadLocalRandom")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.lang.Thread")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Clock")
        .orShould().dependOnClassesThat().haveFullyQualifiedName("java.time.Instant")
        .orShould().callMethod(System.class, "currentTimeMillis")
        .orShould().callMethod(System.class, "nanoTime")
        .because("the model is single threaded and draws nothing from the outside world")
        .check(SIM);
  }
}
