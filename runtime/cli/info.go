package cli

import "fmt"

// cmdInfo prints the model's shapes and the training defaults compiled into the binary.
func cmdInfo(args []string, m Model, info Info, cfg Config, e *env) error {
	fs := newFlagSet(info, "info", "",
		"Prints the model's shapes and the training defaults compiled into it.", e)
	if err := parseFlags(fs, args, 0); err != nil {
		return err
	}
	format, err := dataFormat(cfg, "")
	if err != nil {
		format = "none"
	}

	w := e.stdout
	fmt.Fprintf(w, "model          %s\n", info.Name)
	fmt.Fprintf(w, "features       %d\n", info.Features)
	fmt.Fprintf(w, "outputs        %d\n", info.Outputs)
	if info.Classes > 0 {
		fmt.Fprintf(w, "classes        %d\n", info.Classes)
	} else {
		fmt.Fprintf(w, "targets        %d\n", info.Targets)
	}
	if info.Binary {
		fmt.Fprintln(w, "binary         true")
	}
	fmt.Fprintf(w, "max_batch      %d\n", info.MaxBatch)

	fmt.Fprintf(w, "learning_rate  %g\n", m.LearningRate())
	fmt.Fprintf(w, "data_format    %s\n", format)
	if len(cfg.TrainFiles) > 0 {
		fmt.Fprintf(w, "train_files    %v\n", cfg.TrainFiles)
	}
	if len(cfg.TestFiles) > 0 {
		fmt.Fprintf(w, "test_files     %v\n", cfg.TestFiles)
	}
	fmt.Fprintf(w, "batch_size     %d\n", defaultInt(cfg.BatchSize, info.MaxBatch))
	fmt.Fprintf(w, "epochs         %d\n", defaultInt(cfg.Epochs, 1))
	fmt.Fprintf(w, "seed           %d\n", cfg.Seed)
	fmt.Fprintf(w, "shuffle        %t\n", cfg.Shuffle)
	return nil
}
