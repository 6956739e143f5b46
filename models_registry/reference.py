"""The guideline's seven target groups and four model categories (reference data)."""

TARGET_GROUPS = [
    (1, "Thanh thiếu niên khuyết tật", "Khuyết tật"),
    (2, "Thanh thiếu niên mắc bệnh hiểm nghèo", "Bệnh hiểm nghèo"),
    (
        3,
        "Thanh thiếu niên nghèo (thanh thiếu niên trong diện hộ cận nghèo, hộ nghèo)",
        "Hộ nghèo, cận nghèo",
    ),
    (4, "Thanh niên thất nghiệp mặc dù đã và đang nỗ lực kiếm việc làm", "Thất nghiệp"),
    (
        5,
        "Thanh thiếu niên là người dân tộc thiểu số đang sinh sống ở các địa bàn khó khăn, "
        "vùng sâu, vùng xa, biên giới, hải đảo",
        "Dân tộc thiểu số",
    ),
    (6, "Thanh thiếu niên chậm tiến, sau cai nghiện", "Chậm tiến, sau cai nghiện"),
    (7, "Thanh niên hoàn lương", "Hoàn lương"),
]

CATEGORIES = [
    (
        1,
        "Các mô hình hỗ trợ về chăm sóc sức khỏe",
        "Huy động nguồn lực và cấp thẻ bảo hiểm y tế cho thanh thiếu niên yếu thế; "
        "mô hình hỗ trợ điều trị, trị liệu cho thanh thiếu niên khuyết tật.",
    ),
    (
        2,
        "Các mô hình hỗ trợ giao lưu, chia sẻ, nâng cao đời sống tinh thần",
        "Nhóm tự lực của thanh thiếu niên khuyết tật (tham vấn đồng cảnh, giải pháp sống độc "
        "lập…); câu lạc bộ, tổ, đội, nhóm theo nghề nghiệp, sở thích; diễn đàn, sân chơi định "
        "kỳ; câu lạc bộ văn hóa văn nghệ, thể dục thể thao, du lịch.",
    ),
    (
        3,
        "Các mô hình hỗ trợ học tập, nâng cao trình độ tay nghề",
        "Mô hình tư vấn, hướng nghiệp, dạy nghề miễn phí cho thanh thiếu niên yếu thế.",
    ),
    (
        4,
        "Các mô hình hỗ trợ nghề nghiệp, việc làm, kinh doanh",
        "Hỗ trợ chuyển giao, ứng dụng khoa học công nghệ, ngày công, nguồn vốn; huy động "
        "nguồn lực xã hội hóa thành lập quỹ hỗ trợ thanh niên yếu thế; phối hợp giới thiệu "
        "việc làm, xuất khẩu lao động.",
    ),
]


def load_reference_data(TargetGroup, ModelCategory) -> None:  # noqa: N803 (model classes)
    """Create or refresh the rows; the migration passes its historical models."""
    for code, name, short in TARGET_GROUPS:
        TargetGroup.objects.update_or_create(
            code=code, defaults={"name": name, "short_name": short}
        )
    for code, name, examples in CATEGORIES:
        ModelCategory.objects.update_or_create(
            code=code, defaults={"name": name, "examples": examples}
        )
