package org.iommufdsim.sim.kernel.iommufd;

import java.util.ArrayDeque;

/**
 * A vIOMMU event queue (mirrors eventq.c: struct iommufd_veventq): events with sequence numbers
 * and a single lost-events marker that only ever sits at the tail.
 */
public final class Veventq extends IommufdObject {
  /** One entry of the deliver list; {@code payload} is null for the lost-events marker. */
  record Entry(int sequence, byte[] payload) {
    boolean lost() {
      return payload == null;
    }
  }

  final Viommu viommu;
  final long vtype;
  final long depth;
  final ArrayDeque<Entry> deliver = new ArrayDeque<>();
  long numEvents;
  int sequence;
  VeventqFile file;

  Veventq(Viommu viommu, long vtype, long depth) {
    super(ObjType.VEVENTQ);
    this.viommu = viommu;
    this.vtype = vtype;
    this.depth = depth;
  }

  /** iommufd_viommu_report_event + iommufd_vevent_handler. */
  void report(byte[] payload) {
    boolean lost = numEvents == depth;
    if (!lost) {
      numEvents++;
    }
    if (!deliver.isEmpty() && deliver.peekLast().lost()) {
      deliver.pollLast();
    }
    deliver.addLast(new Entry(sequence, lost ? null : payload.clone()));
    sequence = (sequence + 1) & Integer.MAX_VALUE;
  }
}
