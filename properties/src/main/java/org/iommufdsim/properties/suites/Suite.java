package org.iommufdsim.properties.suites;

import java.util.function.Supplier;
import org.iommufdsim.properties.engine.PropertyCheck;
import org.iommufdsim.properties.engine.StateMachine;

/**
 * A property the project runs: its name (as {@code iommufd-sim explore} spells it), one line on
 * what it checks, the machine, and the limits the test suite uses for it.
 */
public record Suite(String name, String summary, Supplier<StateMachine<?>> machine,
    PropertyCheck.Config testConfig) {}
