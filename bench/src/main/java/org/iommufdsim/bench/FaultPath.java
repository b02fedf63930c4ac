package org.iommufdsim.bench;

import java.util.concurrent.TimeUnit;
import org.iommufdsim.sim.host.Host;
import org.iommufdsim.sim.uapi.CField;
import org.iommufdsim.sim.uapi.IommufdTestUapi;
import org.iommufdsim.sim.uapi.IommufdUapi;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The page-request path of lesson 05 ({@code scenarios/teaching/05-fault-id-valid.scn}): a mock
 * device on an IOAS, a fault queue, a NEST_PARENT HWPT, and on it a nested HWPT allocated with
 * {@code IOMMU_HWPT_FAULT_ID_VALID}. Measured: allocating (and destroying) that nested HWPT, and
 * one fault end to end (the device's {@code TRIGGER_IOPF}, the read of its 40-byte record from
 * the fault fd, the 8-byte response written back).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
@Fork(1)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class FaultPath {
  static final long FAULT_ID_VALID = IommufdUapi.IOMMU_HWPT_FAULT_ID_VALID;
  static final long NEST_PARENT = IommufdUapi.IOMMU_HWPT_ALLOC_NEST_PARENT;
  static final long DATA_SELFTEST = IommufdTestUapi.IOMMU_HWPT_DATA_SELFTEST;
  static final long IOTLB_DEFAULT = IommufdTestUapi.IOMMU_TEST_IOTLB_DEFAULT;

  UserProgram prog;
  UserProgram.Call nestedAlloc;
  UserProgram.Call destroy;
  UserProgram.Call trigger;
  CField outHwpt;
  CField destroyId;
  int faultFd;
  long record;
  long response;
  byte[] answer;

  @Setup(Level.Trial)
  public void setUp() {
    prog = new UserProgram(Host.create(), false);
    long ioas = prog.ioctl("IOMMU_IOAS_ALLOC").ok().out("out_ioas_id");
    UserProgram.Call dom = prog.test("IOMMU_TEST_OP_MOCK_DOMAIN").set("id", ioas).ok();
    long stdev = dom.out("mock_domain.out_stdev_id");
    long idev = dom.out("mock_domain.out_idev_id");
    UserProgram.Call fq = prog.ioctl("IOMMU_FAULT_QUEUE_ALLOC").ok();
    long fault = fq.out("out_fault_id");
    faultFd = (int) fq.out("out_fault_fd");
    long parent = prog.ioctl("IOMMU_HWPT_ALLOC").set("dev_id", idev).set("pt_id", ioas)
        .set("flags", NEST_PARENT).ok().out("out_hwpt_id");
    long data = prog.alloc(8);
    byte[] selftest = new byte[8];
    org.iommufdsim.sim.uapi.IommufdTestUapi.iommu_hwpt_selftest.field("iotlb")
        .set(selftest, IOTLB_DEFAULT);
    prog.p.memory().store(data, selftest);
    nestedAlloc = prog.ioctl("IOMMU_HWPT_ALLOC").set("dev_id", idev).set("pt_id", parent)
        .set("flags", FAULT_ID_VALID).set("fault_id", fault).set("data_type", DATA_SELFTEST)
        .set("data_len", 8).set("data_uptr", data);
    outHwpt = nestedAlloc.struct.field("out_hwpt_id");
    destroy = prog.ioctl("IOMMU_DESTROY");
    destroyId = destroy.struct.field("id");

    // the device's RID moves onto a fault-capable nested HWPT that stays for the whole run
    long s1 = nestedAlloc.ok().out("out_hwpt_id");
    prog.test("IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE").set("id", stdev)
        .set("mock_domain_replace.pt_id", s1).ok();
    trigger = prog.test("IOMMU_TEST_OP_TRIGGER_IOPF").set("trigger_iopf.dev_id", idev)
        .set("trigger_iopf.pasid", 1).set("trigger_iopf.grpid", 2)
        .set("trigger_iopf.perm", 3).set("trigger_iopf.addr", 0x4000);
    record = prog.alloc(40);
    response = prog.alloc(8);
    answer = IommufdUapi.iommu_hwpt_page_response.newBuffer();
  }

  @Benchmark
  public long hwptAllocFaultIdValid() {
    UserProgram.check(nestedAlloc.call(), "IOMMU_HWPT_ALLOC");
    long id = outHwpt.get(nestedAlloc.out);
    destroyId.set(destroy.in, id);
    UserProgram.check(destroy.call(), "IOMMU_DESTROY");
    return id;
  }

  @Benchmark
  public long faultDeliverReadRespond() {
    UserProgram.check(trigger.call(), "IOMMU_TEST_OP_TRIGGER_IOPF");
    long n = UserProgram.check(prog.p.read(faultFd, record, 40), "read");
    if (n != 40) {
      throw new IllegalStateException("read " + n + " bytes, not one record");
    }
    byte[] rec = prog.p.memory().load(record, 40);
    long cookie = IommufdUapi.iommu_hwpt_pgfault.field("cookie").get(rec);
    IommufdUapi.iommu_hwpt_page_response.field("cookie").set(answer, cookie);
    prog.p.memory().store(response, answer);
    return UserProgram.check(prog.p.write(faultFd, response, 8), "write");
  }
}
