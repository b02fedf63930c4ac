package org.iommufdsim.sim.uapi;

/**
 * An {@code IOMMU_TEST_CMD} op: its {@code IOMMU_TEST_OP_*} name, number, and the name of the
 * member of {@code iommu_test_cmd}'s anonymous union that carries its payload (null when the
 * op takes none).
 */
public record TestOp(String name, int op, String unionMember) {}
