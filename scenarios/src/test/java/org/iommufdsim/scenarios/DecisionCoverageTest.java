package org.iommufdsim.scenarios;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.iommufdsim.scenarios.run.RunReport;
import org.iommufdsim.scenarios.run.Runner;
import org.iommufdsim.sim.host.CallPath;
import org.iommufdsim.sim.host.CheckCatalogue;
import org.iommufdsim.sim.host.CheckInfo;
import org.iommufdsim.sim.host.Decision;
import org.junit.jupiter.api.Test;

/**
 * Issue 5's acceptance: every catalogued check that can decide a system call's errno is made to
 * refuse by at least one scenario of the conformance or teaching library, except the checks
 * listed in {@link #UNREACHABLE} (each with the reason no scenario can reach it) and, for now,
 * the ratchet {@link #NOT_YET_COVERED}. Running the library with every decision path collected
 * also writes {@code target/decision-coverage.txt} (how often each check is reached and
 * decides), and checks that every failed call names the check that decided it.
 *
 * <p>The ratchet fails both ways: a check that no scenario makes refuse any more (a regression),
 * and a check newly covered but still listed (remove it from {@link #NOT_YET_COVERED}).
 */
class DecisionCoverageTest {
  /** The library whose scenarios count for the acceptance. */
  private static final List<String> COUNTED = List.of("teaching", "conformance");

  /**
   * Checks no scenario can make refuse, and why. A check listed here that some scenario does
   * make refuse fails the test: its reason was wrong.
   */
  private static final SortedMap<String, String> UNREACHABLE = new TreeMap<>(Map.ofEntries(
      // Limits no scenario can exhaust.
      Map.entry("OBJECT_ID_SPACE", "needs 2^31 live objects in one context (xa_limit_31b)"),
      Map.entry("FAULT_READ_COOKIE", "needs 2^32-1 fault groups read and not yet answered on"
          + " one queue (xa_limit_32b from 1); a fail-nth at this xa_alloc is ENOMEM, recorded"
          + " as the injected failure"),
      Map.entry("MAP_DMABUF_BATCH", "needs a dma-buf of 2^32-1 pages or more; the selftest"
          + " dma-buf (IOMMU_TEST_OP_DMABUF_GET) is far smaller"),
      Map.entry("PROCESS_ALIVE", "needs a system call after the process exited; the scenario"
          + " language has no exit"),
      // What the scenario language cannot express (non-ioctl calls' flags, memory protection).
      Map.entry("RLIMIT_CAP", "the language has no directive to drop CAP_SYS_RESOURCE"),
      Map.entry("MMAP_TYPE", "the language's mmap takes no MAP_SHARED/MAP_PRIVATE flags"),
      Map.entry("MMAP_FIXED", "the language's mmap takes no MAP_FIXED"),
      Map.entry("MMAP_FILE_PRIVATE", "the language's mmap of a file is always MAP_SHARED"),
      Map.entry("IOMMUFD_MMAP_SHARED", "the language's mmap of a file is always MAP_SHARED"),
      Map.entry("MEMFD_FLAGS", "the language's memfd_create takes no flags"),
      Map.entry("FCNTL_CMD", "the language has no fcntl call"),
      Map.entry("FTRUNCATE_FILE", "the language has no ftruncate call"),
      Map.entry("FTRUNCATE_LENGTH", "the language has no ftruncate call"),
      Map.entry("VEVENTQ_READ_POS", "needs pread (a non-zero *ppos); the language has read only"),
      Map.entry("FAULT_READ_COPY", "the language's read gives no buffer: the runner's is mapped"),
      Map.entry("VEVENTQ_READ_COPY", "the language's read gives no buffer: the runner's is"
          + " mapped"),
      // Undefined in v7.0, so no scenario pins it.
      Map.entry("TEST_CACHE_MOCK", "v7.0's iommufd_test_dev_check_cache has no such check: on a"
          + " device of another driver it reads a struct mock_dev that is not there; the model's"
          + " EINVAL is a stand-in no scenario should pin"),
      // Hardware the simulator's options do not describe.
      Map.entry("VTD_PASID_SUPPORTED", "the simulated VT-d unit always has ECAP.PASID (no"
          + " option clears it)"),
      Map.entry("SMMU_PAGING_S1", "the simulated SMMU always has stage 1 (IDR0.S1P); no"
          + " option clears it"),
      // Driver checks the iommufd core always answers first.
      Map.entry("INVALIDATE_VIOMMU_OP", "both vIOMMU drivers (mock, SMMUv3) have"
          + " cache_invalidate"),
      Map.entry("USER_ARRAY_EMPTY", "both users of the full-array helper return before it for"
          + " entry_num 0 (mock_viommu_cache_invalidate; the SMMU's own array check), or fail its"
          + " type check first"),
      Map.entry("SMMU_NESTED_OP", "the SMMU has no domain_alloc_nested, so iommufd_hwpt_alloc"
          + " refuses a HWPT_PAGING parent before asking the driver"),
      Map.entry("SMMU_ATTACH_SSIDS", "SMMU stage-2 and vSTE domains are never PASID-compatible,"
          + " so iommufd_hwpt_pasid_compat refuses the RID attach while PASIDs are attached"),
      Map.entry("SMMU_PASID_PAGING", "an SMMU vSTE domain is never PASID-compatible, so"
          + " iommufd_hwpt_pasid_compat refuses it at a PASID first"),
      Map.entry("SMMU_PASID_RID", "a RID on a stage-2 or vSTE domain is not PASID-compatible,"
          + " so iommufd_hwpt_pasid_compat refuses any PASID attach first"),
      Map.entry("MOCK_PAGING_FLAGS", "iommufd_hwpt_paging_alloc refuses unknown flags and"
          + " DIRTY_TRACKING on a device without the capability before the driver"),
      Map.entry("VTD_SS_FLAGS", "iommufd_hwpt_paging_alloc refuses unknown flags first"),
      Map.entry("MOCK_NESTED_FLAGS", "iommufd_hwpt_nested_alloc passes only PASID on (it"
          + " refuses other flags and strips FAULT_ID_VALID)"),
      Map.entry("MOCK_NESTED_PARENT", "iommufd_hwpt_nested_alloc wants a NEST_PARENT of the"
          + " device's own driver first"),
      Map.entry("VTD_NESTED_PARENT", "iommufd_hwpt_nested_alloc wants a NEST_PARENT of the"
          + " device's own driver first"),
      Map.entry("MOCK_SET_DIRTY", "iommufd_hwpt_set_dirty_tracking refuses a domain without"
          + " dirty ops (EOPNOTSUPP) before the driver"),
      Map.entry("VTD_SET_DIRTY", "iommufd_hwpt_set_dirty_tracking refuses a domain without"
          + " dirty ops (EOPNOTSUPP) before the driver"),
      Map.entry("DRIVER_SET_DIRTY_TRACKING", "the drivers' only refusal (no dirty ops) is"
          + " answered by iommufd_hwpt_set_dirty_tracking first"),
      Map.entry("PIN_OWNER", "needs pages mapped by a process that has exited; a scenario is"
          + " one process, which never exits"),
      Map.entry("PIN_FILE", "the simulator's file-backed pages always keep their file"),
      Map.entry("DRIVER_VDEVICE_INIT", "no simulated driver's vdevice_init fails"),
      Map.entry("INSERT_OVERFLOW", "iopt_check_iova (FIXED_IOVA) or iopt_alloc_iova has already"
          + " checked the whole range the areas are inserted into"),
      Map.entry("UNMAP_ACCESS", "the only accesses that pin are the selftest's, whose unmap"
          + " callback always unpins, and internal ones (HW queues), which lock the area (EBUSY)"
          + " instead"),
      Map.entry("REPLACE_NOT_MEMBER", "replace is only asked for a device's own attachment:"
          + " VFIO replaces what it attached itself (vfio_iommufd_physical_attach_ioas,"
          + " the PASID's xarray entry), the selftest a mock device's own; that device is in the"
          + " group's attach record"),
      Map.entry("TEST_ACCESS_ATTACHED", "a selftest access is attached when created and"
          + " detached only when its fd is closed, after which no op can name it"),
      Map.entry("VTD_SS_DEPTH", "compute_vasz_lg2_ss finds no depth only for a SAGAW without"
          + " bits 1-3 (reserved bits alone) or an MGAW of 30 bits or less; the unit options"
          + " (sagaw, mgaw=39|48|57) allow neither"),
      Map.entry("VTD_COMPAT_PAGING", "a domain of another driver is refused by the IOMMU core's"
          + " owner check (__iommu_attach_device) before the unit looks at it"),
      Map.entry("VTD_NESTED_DOMAIN", "a nested domain of another driver is refused by the IOMMU"
          + " core's owner check before the unit looks at it"),
      Map.entry("COUNT_SIZE", "vfs_read and vfs_write check access_ok(buf, count) first, and no"
          + " count above SSIZE_MAX passes it (EFAULT)"),
      Map.entry("VEVENTQ_WRITE", "a vEVENTQ file has no write op, so vfs_write refuses it"
          + " (FILE_WRITE) before any vEVENTQ code runs"),
      Map.entry("VTD_COMPAT_FS_KIND", "DIRTY_TRACKING and NEST_PARENT always make a VT-d"
          + " second-stage domain, so no first-stage domain has either")));

  /**
   * The ratchet: checks no scenario makes refuse yet. Remove a check when a scenario covers it;
   * never add one that a scenario used to cover. Empty: every check is covered or listed in
   * {@link #UNREACHABLE}.
   */
  private static final SortedSet<String> NOT_YET_COVERED = new TreeSet<>(Set.of());

  /** How often a check was reached and how often it refused. */
  private static final class Count {
    long reached;
    long refused;
    long refusedCounted;
  }

  @Test
  void everyCatalogueCheck_refusesInSomeLibraryScenario_exceptTheListedOnes() throws IOException {
    Map<String, Count> counts = new TreeMap<>();
    for (CheckInfo c : CheckCatalogue.all()) {
      counts.put(c.id(), new Count());
    }
    List<String> unrecorded = new ArrayList<>();
    List<Path> files = Scn.libraryFiles("teaching", "conformance", "regressions");
    for (Path file : files) {
      String name = Scn.moduleDir().relativize(file).toString();
      boolean counted = COUNTED.contains(name.substring(0, name.indexOf('/')));
      RunReport r = Runner.run(Scn.parse(Files.readString(file)), false,
          UnaryOperator.identity(), host -> host.onDecisions(p -> tally(p, name, counted,
              counts, unrecorded)));
      assertThat(r).as(name).isInstanceOf(RunReport.Finished.class);
    }
    SortedSet<String> missing = new TreeSet<>();
    SortedSet<String> wronglyUnreachable = new TreeSet<>();
    for (CheckInfo c : CheckCatalogue.all()) {
      Count n = counts.get(c.id());
      if (UNREACHABLE.containsKey(c.id())) {
        if (n.refusedCounted > 0) {
          wronglyUnreachable.add(c.id());
        }
      } else if (n.refusedCounted == 0) {
        missing.add(c.id());
      }
    }
    writeReport(files.size(), counts, missing, unrecorded);

    SortedSet<String> catalogued = new TreeSet<>(counts.keySet());
    assertThat(catalogued).as("listed checks exist").containsAll(UNREACHABLE.keySet())
        .containsAll(NOT_YET_COVERED);
    assertThat(NOT_YET_COVERED).as("a check is either unreachable or not yet covered")
        .doesNotContainAnyElementsOf(UNREACHABLE.keySet());
    assertThat(unrecorded).as("failed calls whose deciding check was not recorded").isEmpty();
    assertThat(wronglyUnreachable).as("checks listed as UNREACHABLE that a scenario makes"
        + " refuse: remove them from the list").isEmpty();
    SortedSet<String> regressed = new TreeSet<>(missing);
    regressed.removeAll(NOT_YET_COVERED);
    assertThat(regressed).as("checks no conformance or teaching scenario makes refuse (see"
        + " target/decision-coverage.txt); cover them, or list them in UNREACHABLE with the"
        + " reason").isEmpty();
    SortedSet<String> nowCovered = new TreeSet<>(NOT_YET_COVERED);
    nowCovered.removeAll(missing);
    assertThat(nowCovered).as("checks now covered: remove them from NOT_YET_COVERED")
        .isEmpty();
  }

  private static void tally(CallPath p, String file, boolean counted, Map<String, Count> counts,
      List<String> unrecorded) {
    for (Decision d : p.decisions()) {
      if (d.checkId().equals(Decision.UNRECORDED)) {
        unrecorded.add(file + ": " + d.errno() + ": " + d.detail());
        continue;
      }
      Count n = counts.get(d.checkId());
      n.reached += d.times();
      if (d.refused()) {
        n.refused++;
        if (counted) {
          n.refusedCounted++;
        }
      }
    }
  }

  private static void writeReport(int scenarios, Map<String, Count> counts,
      SortedSet<String> missing, List<String> unrecorded) throws IOException {
    StringBuilder out = new StringBuilder();
    out.append(scenarios).append(" scenarios, ").append(counts.size()).append(" checks; ")
        .append(missing.size()).append(" not made to refuse by a conformance or teaching"
            + " scenario (besides ").append(UNREACHABLE.size()).append(" unreachable)\n\n");
    out.append("not made to refuse (the ratchet NOT_YET_COVERED lists ")
        .append(NOT_YET_COVERED.size()).append("):\n");
    for (CheckInfo c : CheckCatalogue.all()) {
      if (missing.contains(c.id())) {
        out.append("  ").append(describe(c)).append('\n');
      }
    }
    out.append("\nunreachable, with the reason:\n");
    UNREACHABLE.forEach((id, why) -> out.append("  ").append(id).append(": ").append(why)
        .append('\n'));
    out.append("\nnever reached at all:\n");
    for (CheckInfo c : CheckCatalogue.all()) {
      if (counts.get(c.id()).reached == 0) {
        out.append("  ").append(c.id()).append('\n');
      }
    }
    out.append("\nper check: reached / refused (all library) / refused (conformance,"
        + " teaching):\n");
    counts.forEach((id, n) -> out.append("  ").append(id).append(' ').append(n.reached)
        .append(" / ").append(n.refused).append(" / ").append(n.refusedCounted).append('\n'));
    out.append("\nfailures without a recorded deciding check (").append(unrecorded.size())
        .append("):\n");
    unrecorded.stream().distinct().forEach(s -> out.append("  ").append(s).append('\n'));
    Path file = Path.of("target", "decision-coverage.txt");
    Files.createDirectories(file.getParent());
    Files.writeString(file, out.toString());
  }

  private static String describe(CheckInfo c) {
    return c.id() + "  (" + c.function() + ": " + c.subject() + " -> " + c.errno() + ")";
  }
}
