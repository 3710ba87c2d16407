from django.db import migrations

CATEGORIES = [
    ("propaganda", "Tuyên truyền, vận động"),
    ("resource-mobilisation", "Vận động nguồn lực"),
    ("poverty-reduction-models", "Xây dựng mô hình giảm nghèo"),
    ("inspection-supervision", "Kiểm tra, giám sát"),
    ("review-commendation", "Sơ kết, tổng kết, khen thưởng"),
    ("conferences", "Hội nghị, hội thảo"),
    ("vocational-training", "Đào tạo nghề"),
    ("employment", "Giáo dục nghề nghiệp và việc làm"),
    ("sustainable-poverty-reduction", "Giảm nghèo bền vững"),
    ("labour-safety", "An toàn, vệ sinh lao động"),
    ("child-protection", "Bảo vệ, chăm sóc trẻ em"),
    ("social-protection", "Bảo trợ xã hội"),
    ("gender-equality", "Bình đẳng giới"),
    ("social-evils-prevention", "Phòng, chống tệ nạn xã hội"),
    ("social-insurance", "Bảo hiểm xã hội"),
    ("other", "Nội dung khác"),
]


def add_categories(apps, schema_editor):
    ContentCategory = apps.get_model("programs", "ContentCategory")
    for position, (code, name) in enumerate(CATEGORIES, start=1):
        ContentCategory.objects.get_or_create(
            code=code, defaults={"name": name, "position": position * 10}
        )


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial_programs")]

    operations = [migrations.RunPython(add_categories, migrations.RunPython.noop)]
