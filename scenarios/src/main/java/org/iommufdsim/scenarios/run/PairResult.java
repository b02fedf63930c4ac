package org.iommufdsim.scenarios.run;

import org.iommufdsim.scenarios.ast.FieldArg;

/** One {@code field=value} of an outcome, the value it named, and whether it bound a variable. */
public record PairResult(FieldArg pair, Observation observed, boolean bound) {}
