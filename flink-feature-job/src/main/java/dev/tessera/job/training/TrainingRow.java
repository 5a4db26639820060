package dev.tessera.job.training;

import dev.tessera.spec.serve.Served;
import java.util.List;

/** The features of a spine row as a read at its time would have served them, in request order. */
public record TrainingRow(long row, List<Served> features) {}
