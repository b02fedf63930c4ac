package org.iommufdsim.scenarios.run;

import static org.assertj.core.api.Assumptions.assumeThat;

import org.iommufdsim.scenarios.Scn;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Device scenarios (mock devices, HW page tables, fault queues) run end to end on the real
 * simulator, including the contract's first example. Skipped while the simulator does not
 * model mock devices yet; they run as soon as it does.
 */
class DeviceRunnerTest {

  @BeforeAll
  static void needsTheDeviceModel() {
    RunReport probe = Runner.run(Scn.parse("IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas\n"
        + "IOMMU_TEST_OP_MOCK_DOMAIN id=$ioas\n"), true);
    assumeThat(probe instanceof RunReport.Finished f && f.passed())
        .as("the simulator models mock devices").isTrue();
  }

  @Test
  void contractFirstExample_passes() {
    RunnerTest.assertPasses(Scn.contractBlocks().getFirst());
  }

  @Test
  void pageFault_isReadAsARecordAndAnsweredByItsCookie() {
    RunnerTest.assertPasses("""
        IOMMU_IOAS_ALLOC -> ok out_ioas_id=$ioas
        IOMMU_TEST_OP_MOCK_DOMAIN id=$ioas -> ok out_stdev_id=$stdev out_idev_id=$idev
        IOMMU_FAULT_QUEUE_ALLOC -> ok out_fault_id=$fault out_fault_fd=$ffd
        IOMMU_HWPT_ALLOC dev_id=$idev pt_id=$ioas flags=IOMMU_HWPT_FAULT_ID_VALID fault_id=$fault \\
            -> ok out_hwpt_id=$iopf
        IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE id=$stdev pt_id=$iopf
        $ffd: poll -> ok revents=POLLOUT
        IOMMU_TEST_OP_TRIGGER_IOPF dev_id=$idev grpid=2 perm=IOMMU_PGFAULT_PERM_READ addr=0x1000
        $ffd: read count=2*40 -> ok ret=40 [0].flags=IOMMU_PGFAULT_FLAGS_LAST_PAGE [0].dev_id=$idev \\
            [0].grpid=2 [0].addr=0x1000 [0].cookie=$cookie
        $ffd: write iommu_hwpt_page_response{cookie=$cookie code=IOMMUFD_PAGE_RESP_SUCCESS} \\
            -> ok ret=8
        $ffd: write iommu_hwpt_page_response{cookie=$cookie} -> EINVAL
        IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE id=$stdev pt_id=$ioas
        IOMMU_DESTROY id=$iopf
        $ffd: close
        IOMMU_DESTROY id=$fault
        """);
  }
}
