package org.iommufdsim.scenarios.ast;

/**
 * {@code field=value}, in a step, an outcome or a struct literal. The path is as written:
 * {@code size}, {@code mock_domain.out_stdev_id}, {@code allowed_iovas[1].last},
 * {@code [0].cookie}.
 */
public record FieldArg(Pos pos, String path, Value value) implements Arg {}
