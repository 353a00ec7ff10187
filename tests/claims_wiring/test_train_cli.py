"""`factcheck claims train --encoder` passes the hyperparameters it is given to the training,
so the command a card records rebuilds that model (the fine-tune itself needs the train extra)."""

from __future__ import annotations

from factcheck.claims import cli as claims_cli


def test_encoder_hyperparameters_reach_the_training(runner, tmp_path, monkeypatch) -> None:
    seen = {}

    def stand_in(data, work, target, params, **options):
        seen.update(params=params, target=target, options=options)
        return {}

    monkeypatch.setattr(claims_cli, "train_encoder", stand_in)
    result = runner.invoke(args=[
        "claims", "train", "--encoder", "--data", str(tmp_path), "--out", str(tmp_path / "m"),
        "--epochs", "3", "--max-length", "40", "--learning-rate", "3e-05",
        "--positive-weight", "1.0", "--seed", "7"])
    assert result.exit_code == 0, result.output
    params = seen["params"]
    assert (params.epochs, params.max_length, params.learning_rate,
            params.positive_weight, params.seed) == (3, 40, 3e-05, 1.0, 7)
    assert seen["target"] == tmp_path / "m"
    assert seen["options"]["search"] is False
